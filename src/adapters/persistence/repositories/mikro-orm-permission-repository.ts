import { DomainError } from "../../../domain/errors.js";
import type {
  PermissionGrant,
  PermissionTargetType,
} from "../../../domain/permissions/permission.js";
import type { PermissionRepository } from "../../../ports/permission-repository.js";
import { grantFromRow, grantToEntity } from "../mappers/permission-rows.js";
import type { PersistenceContext } from "../persistence-context.js";
import { WorkflowPermissionSchema } from "../schemas/workflow-permission.schema.js";
import { violatedConstraint } from "../sql/sql-errors.js";

/** Grants per workflow: one row per (workflow, target type, target id). */
export class MikroOrmPermissionRepository implements PermissionRepository {
  constructor(private readonly db: PersistenceContext) {}

  async list(workflowId: string): Promise<PermissionGrant[]> {
    const rows = await this.db.sql.all(
      "select * from workflow_permissions where workflow_id = ? order by target_type, target_id",
      [workflowId],
    );
    return rows.map((row) => grantFromRow(row, this.db.values));
  }

  async get(
    workflowId: string,
    targetType: PermissionTargetType,
    targetId: string,
  ): Promise<PermissionGrant | null> {
    const rows = await this.db.sql.all(
      "select * from workflow_permissions where workflow_id = ? and target_type = ? and target_id = ?",
      [workflowId, targetType, targetId],
    );
    return rows[0] === undefined ? null : grantFromRow(rows[0], this.db.values);
  }

  async put(grant: PermissionGrant): Promise<void> {
    try {
      await this.db.fork().upsert(WorkflowPermissionSchema, grantToEntity(grant));
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
    await this.db
      .fork()
      .nativeDelete(WorkflowPermissionSchema, { workflowId, targetType, targetId });
  }
}
