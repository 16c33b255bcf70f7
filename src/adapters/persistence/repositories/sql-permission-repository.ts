import { DomainError } from "../../../domain/errors.js";
import type {
  PermissionGrant,
  PermissionTargetType,
} from "../../../domain/permissions/permission.js";
import type { PermissionRepository } from "../../../ports/permission-repository.js";
import type { SqlDatabase } from "../database/sql-database.js";
import { violatedConstraint } from "../database/sql-errors.js";
import { grantFromRow, grantToRow } from "../mappers/permission-rows.js";
import { deleteGrant, grantByKey, grantsOf, putGrant } from "../statements/access-statements.js";

/** Grants per workflow: one row per (workflow, target type, target id). */
export class SqlPermissionRepository implements PermissionRepository {
  constructor(private readonly db: SqlDatabase) {}

  async list(workflowId: string): Promise<PermissionGrant[]> {
    const { rows } = await this.db.run(grantsOf, { workflowId });
    return rows.map(grantFromRow);
  }

  async get(
    workflowId: string,
    targetType: PermissionTargetType,
    targetId: string,
  ): Promise<PermissionGrant | null> {
    const { rows } = await this.db.run(grantByKey, { workflowId, targetType, targetId });
    return rows[0] === undefined ? null : grantFromRow(rows[0]);
  }

  async put(grant: PermissionGrant): Promise<void> {
    try {
      await this.db.runWrite(putGrant, grantToRow(grant));
    } catch (error) {
      if (violatedConstraint(error) === "foreign_key") {
        throw DomainError.workflowNotFound(grant.workflowId);
      }
      throw error;
    }
  }

  async delete(
    workflowId: string,
    targetType: PermissionTargetType,
    targetId: string,
  ): Promise<void> {
    await this.db.runWrite(deleteGrant, { workflowId, targetType, targetId });
  }
}
