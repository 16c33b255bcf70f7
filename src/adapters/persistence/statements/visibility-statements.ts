import { sql } from "kysely";
import { inList } from "../database/sql-fragments.js";
import { type Params, Statement } from "../database/statement.js";
import type { Dialect } from "../dialect.js";
import type { Row } from "../entities/index.js";

/** Who asks: the targets a grant may name. */
export interface ViewerParams {
  userId: string;
  roles: readonly string[];
  communities: readonly string[];
}

/**
 * One row per matching grant, or one row of NULL grant columns: the workflow's owner and
 * community (NULL when the object does not exist) beside the grant's columns.
 */
export type AccessRow = Partial<Row<"workflow_permissions">> & {
  subject_workflow_id: string | null;
  owner_user_id: string | null;
  workflow_community_id: number | string | null;
};

/** The grant `p` names the viewer: its user id, one of its roles, or one of its communities. */
function namesViewer<P extends ViewerParams>(dialect: Dialect, param: Params<P>) {
  const roles = inList(dialect, "p.target_id", param.list("roles"));
  const communities = inList(dialect, "p.target_id", param.list("communities"));
  return sql<boolean>`((p.target_type = 'user' and p.target_id = ${param("userId")})
    or (p.target_type = 'role' and ${roles})
    or (p.target_type = 'community' and ${communities}))`;
}

const grantColumns = [
  "p.workflow_id",
  "p.target_type",
  "p.target_id",
  "p.can_view",
  "p.can_edit",
  "p.can_execute",
  "p.can_delete",
  "p.can_manage_permissions",
  "p.granted_by",
  "p.granted_at",
] as const;

/**
 * The access facts of a workflow id. The statement starts from the asked id (a one-row
 * derived table), so a missing workflow yields one row of NULLs after the same index probes
 * (workflows, then its grants by the asked id) as an existing one the viewer has no grant on.
 */
export const workflowAccessFacts = new Statement<ViewerParams & { workflowId: string }, AccessRow>(
  ({ db, dialect, param }) =>
    db
      .selectFrom(
        db.selectNoFrom(sql<string>`cast(${param("workflowId")} as text)`.as("id")).as("q"),
      )
      .leftJoin("workflows as w", "w.workflow_id", "q.id")
      .leftJoin("workflow_permissions as p", (join) =>
        join.onRef("p.workflow_id", "=", "q.id").on(namesViewer(dialect, param)),
      )
      .select([
        "w.workflow_id as subject_workflow_id",
        "w.owner_user_id as owner_user_id",
        "w.community_id as workflow_community_id",
        ...grantColumns,
      ]),
  "workflow_permissions",
);

/** As workflowAccessFacts, for the workflow of an execution id. */
export const executionAccessFacts = new Statement<
  ViewerParams & { executionId: string },
  AccessRow
>(
  ({ db, dialect, param }) =>
    db
      .selectFrom(
        db.selectNoFrom(sql<string>`cast(${param("executionId")} as text)`.as("id")).as("q"),
      )
      .leftJoin("workflow_executions as e", "e.execution_id", "q.id")
      .leftJoin("workflows as w", "w.workflow_id", "e.workflow_id")
      .leftJoin("workflow_permissions as p", (join) =>
        join.onRef("p.workflow_id", "=", "e.workflow_id").on(namesViewer(dialect, param)),
      )
      .select([
        "w.workflow_id as subject_workflow_id",
        "w.owner_user_id as owner_user_id",
        "w.community_id as workflow_community_id",
        ...grantColumns,
      ]),
  "workflow_permissions",
);
