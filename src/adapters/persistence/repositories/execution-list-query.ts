import type { ExecutionListFilter } from "../../../ports/execution-repository.js";
import type { Dialect } from "../dialect.js";
import type { SqlParam } from "../sql/sql-client.js";
import { inList } from "../sql/sql-fragments.js";

/**
 * The WHERE clause of an execution listing. The time range is half-open:
 * createdAfter <= created_at < createdBefore.
 */
export function executionListWhere(
  dialect: Dialect,
  filter: ExecutionListFilter,
): { conditions: string[]; params: SqlParam[] } {
  const conditions = ["workflow_id = ?"];
  const params: SqlParam[] = [filter.workflowId];
  if (filter.communityId !== undefined) {
    conditions.push("community_id = ?");
    params.push(filter.communityId);
  }
  if (filter.statuses !== undefined && filter.statuses.length > 0) {
    conditions.push(inList(dialect, "status"));
    params.push(filter.statuses);
  }
  if (filter.createdAfter !== undefined) {
    conditions.push("created_at >= ?");
    params.push(filter.createdAfter);
  }
  if (filter.createdBefore !== undefined) {
    conditions.push("created_at < ?");
    params.push(filter.createdBefore);
  }
  return { conditions, params };
}
