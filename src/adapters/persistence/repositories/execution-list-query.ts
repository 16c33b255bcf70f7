import type { ExecutionListFilter, ExecutionSort } from "../../../ports/execution-repository.js";
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

const sortColumns: Record<ExecutionSort["by"], string> = {
  created_at: "created_at",
  start_time: "start_time",
  status: "status",
  execution_time: "duration_ms",
};

/** The default: newest first, ties by id (the order cursors follow). */
export const newestFirst = "order by created_at desc, execution_id desc";

/**
 * ORDER BY for an offset page. Ties go by execution id in the same direction; runs without a
 * value (not started, not finished) come last in both directions, on both dialects.
 */
export function executionOrderBy(sort: ExecutionSort | undefined): string {
  if (sort === undefined || (sort.by === "created_at" && sort.order === "desc")) return newestFirst;
  const column = sortColumns[sort.by];
  const direction = sort.order === "asc" ? "asc" : "desc";
  return `order by (${column} is null), ${column} ${direction}, execution_id ${direction}`;
}

export function isNewestFirst(sort: ExecutionSort | undefined): boolean {
  return executionOrderBy(sort) === newestFirst;
}
