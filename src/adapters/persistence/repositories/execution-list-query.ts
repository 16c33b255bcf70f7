import type {
  ExecutionListFilter,
  ExecutionListPage,
  ExecutionPaging,
  ExecutionSort,
} from "../../../ports/execution-repository.js";
import type { SqlDatabase } from "../database/sql-database.js";
import { inList } from "../database/sql-fragments.js";
import { Statement, type StatementContext } from "../database/statement.js";
import type { Row } from "../entities/index.js";
import { executionFromRow } from "../mappers/execution-rows.js";
import { decodeExecutionCursor, encodeExecutionCursor } from "./execution-cursor.js";

type ExecutionRow = Row<"workflow_executions">;

interface ListParams {
  workflowId: string;
  communityId: number | undefined;
  statuses: string[] | undefined;
  createdAfter: Date | undefined;
  createdBefore: Date | undefined;
  limit: number;
  offset: number;
  afterCreatedAt: Date | undefined;
  afterExecutionId: string | undefined;
}

const sortColumns = {
  created_at: "created_at",
  start_time: "start_time",
  status: "status",
  execution_time: "duration_ms",
} as const satisfies Record<ExecutionSort["by"], keyof ExecutionRow>;

/**
 * The executions of a listing: the filter's conditions (the time range is half-open,
 * createdAfter <= created_at < createdBefore), in the given order. The statement's shape
 * depends on which filters are set, so it is built per call.
 */
function filtered(
  { db, dialect, param }: StatementContext<ListParams>,
  filter: ExecutionListFilter,
) {
  let query = db.selectFrom("workflow_executions").where("workflow_id", "=", param("workflowId"));
  if (filter.communityId !== undefined) {
    query = query.where("community_id", "=", param("communityId") as number);
  }
  if (filter.statuses !== undefined && filter.statuses.length > 0) {
    query = query.where(inList(dialect, "status", param.list("statuses")));
  }
  if (filter.createdAfter !== undefined) {
    query = query.where("created_at", ">=", param("createdAfter") as Date);
  }
  if (filter.createdBefore !== undefined) {
    query = query.where("created_at", "<", param("createdBefore") as Date);
  }
  return query;
}

/** The default order: newest first, ties by id (the order cursors follow). */
function isNewestFirst(sort: ExecutionSort | undefined): boolean {
  return sort === undefined || (sort.by === "created_at" && sort.order === "desc");
}

/**
 * One page of executions. Offset pages may sort differently: ties go by execution id in the
 * same direction, and runs without a value (not started, not finished) come last in both
 * directions, on both dialects. A cursor continues in the default order only.
 */
export async function listExecutions(
  db: SqlDatabase,
  filter: ExecutionListFilter,
  paging: ExecutionPaging,
): Promise<ExecutionListPage> {
  const values: ListParams = {
    workflowId: filter.workflowId,
    communityId: filter.communityId,
    statuses: filter.statuses,
    createdAfter: filter.createdAfter,
    createdBefore: filter.createdBefore,
    limit: paging.perPage,
    offset: 0,
    afterCreatedAt: undefined,
    afterExecutionId: undefined,
  };
  if (paging.kind === "offset") {
    values.offset = (paging.page - 1) * paging.perPage;
    const sort = paging.sort;
    const page = new Statement<ListParams, ExecutionRow>((context) => {
      const query = filtered(context, filter).selectAll();
      const ordered =
        sort === undefined || isNewestFirst(sort)
          ? query.orderBy("created_at", "desc").orderBy("execution_id", "desc")
          : query
              .orderBy((eb) => eb(sortColumns[sort.by], "is", null))
              .orderBy(sortColumns[sort.by], sort.order)
              .orderBy("execution_id", sort.order);
      return ordered.limit(context.param("limit")).offset(context.param("offset"));
    }, "workflow_executions");
    const count = new Statement<ListParams, { total: number | string }>((context) =>
      filtered(context, filter).select((eb) => eb.fn.countAll<number>().as("total")),
    );
    const [rows, counts] = await Promise.all([db.run(page, values), db.run(count, values)]);
    const items = rows.rows.map(executionFromRow);
    const total = Number(counts.rows[0]?.total ?? 0);
    const last = items.at(-1);
    const more = paging.page * paging.perPage < total && isNewestFirst(paging.sort);
    return { items, total, nextCursor: more && last ? encodeExecutionCursor(last) : null };
  }
  const after = paging.cursor === null ? null : decodeExecutionCursor(paging.cursor);
  values.limit = paging.perPage + 1;
  values.afterCreatedAt = after?.createdAt;
  values.afterExecutionId = after?.executionId;
  const keyset = new Statement<ListParams, ExecutionRow>((context) => {
    let query = filtered(context, filter).selectAll();
    if (after !== null) {
      query = query.where((eb) =>
        eb(
          eb.refTuple("created_at", "execution_id"),
          "<",
          eb.tuple(
            context.param("afterCreatedAt") as Date,
            context.param("afterExecutionId") as string,
          ),
        ),
      );
    }
    return query
      .orderBy("created_at", "desc")
      .orderBy("execution_id", "desc")
      .limit(context.param("limit"));
  }, "workflow_executions");
  const { rows } = await db.run(keyset, values);
  const items = rows.slice(0, paging.perPage).map(executionFromRow);
  const last = items.at(-1);
  return {
    items,
    nextCursor: rows.length > paging.perPage && last ? encodeExecutionCursor(last) : null,
  };
}
