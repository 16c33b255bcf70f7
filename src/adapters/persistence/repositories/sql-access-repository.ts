import type { Principal } from "../../../domain/permissions/principal.js";
import type { AccessFacts, AccessRepository } from "../../../ports/access-repository.js";
import type { SqlDatabase } from "../database/sql-database.js";
import type { Row } from "../entities/index.js";
import { grantFromRow } from "../mappers/permission-rows.js";
import {
  type AccessRow,
  executionAccessFacts,
  type ViewerParams,
  workflowAccessFacts,
} from "../statements/visibility-statements.js";

/** Access facts in one statement per question (see AccessRepository). */
export class SqlAccessRepository implements AccessRepository {
  constructor(private readonly db: SqlDatabase) {}

  async ofWorkflow(workflowId: string, principal: Principal): Promise<AccessFacts> {
    const { rows } = await this.db.run(workflowAccessFacts, { ...viewer(principal), workflowId });
    return this.facts(rows);
  }

  async ofExecution(executionId: string, principal: Principal): Promise<AccessFacts> {
    const { rows } = await this.db.run(executionAccessFacts, {
      ...viewer(principal),
      executionId,
    });
    return this.facts(rows);
  }

  private facts(rows: AccessRow[]): AccessFacts {
    const first = rows[0];
    if (first?.subject_workflow_id == null || first.owner_user_id == null) {
      return { workflow: null, grants: [] };
    }
    return {
      workflow: {
        workflowId: first.subject_workflow_id,
        ownerUserId: first.owner_user_id,
        communityId: Number(first.workflow_community_id),
      },
      grants: rows
        .filter((row) => row.target_type != null)
        .map((row) => grantFromRow(row as Row<"workflow_permissions">)),
    };
  }
}

function viewer(principal: Principal): ViewerParams {
  return {
    userId: principal.userId,
    roles: principal.roles,
    communities: principal.communityIds.map(String),
  };
}
