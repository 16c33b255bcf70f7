import { sql } from "kysely";
import { inList } from "../database/sql-fragments.js";
import { rowParams, Statement } from "../database/statement.js";
import type { NewRow, Row } from "../entities/index.js";

export const insertWorkflow = new Statement<NewRow<"workflows">, never>((context) =>
  context.db.insertInto("workflows").values(rowParams("workflows", context)),
);

export const insertWorkflowVersion = new Statement<NewRow<"workflow_versions">, never>((context) =>
  context.db.insertInto("workflow_versions").values(rowParams("workflow_versions", context)),
);

/** Replaces every column but the id, if the stored version still equals `expected_version`. */
export const updateWorkflowAtVersion = new Statement<
  NewRow<"workflows"> & { expected_version: number },
  never
>((context) => {
  const { workflow_id: _id, ...columns } = rowParams("workflows", context);
  return context.db
    .updateTable("workflows")
    .set(columns)
    .where("workflow_id", "=", context.param("workflow_id"))
    .where("version", "=", context.param("expected_version"));
});

export const workflowById = new Statement<{ workflowId: string }, Row<"workflows">>(
  ({ db, param }) =>
    db.selectFrom("workflows").selectAll().where("workflow_id", "=", param("workflowId")),
  "workflows",
);

export const workflowVersion = new Statement<
  { workflowId: string; version: number },
  Row<"workflow_versions">
>(
  ({ db, param }) =>
    db
      .selectFrom("workflow_versions")
      .selectAll()
      .where("workflow_id", "=", param("workflowId"))
      .where("version", "=", param("version")),
  "workflow_versions",
);

/**
 * What the given workflows' stored executions add up to, in one grouped query answered from
 * each workflow's range of the (workflow_id, created_at desc, execution_id desc, status) index
 * alone: the table rows are not read, but the cost still grows with the executions listed.
 */
export const executionStatsOf = new Statement<
  { workflowIds: readonly string[] },
  {
    workflow_id: string;
    execution_count: number | string;
    success_count: number | string | null;
    failure_count: number | string | null;
    last_executed_at: unknown;
  }
>(({ db, dialect, param }) =>
  db
    .selectFrom("workflow_executions")
    .select((eb) => [
      "workflow_id",
      eb.fn.countAll<number>().as("execution_count"),
      eb.fn
        .sum<number>(
          eb.case().when("status", "=", "completed").then(sql.lit(1)).else(sql.lit(0)).end(),
        )
        .as("success_count"),
      eb.fn
        .sum<number>(
          eb.case().when("status", "=", "failed").then(sql.lit(1)).else(sql.lit(0)).end(),
        )
        .as("failure_count"),
      eb.fn.max("created_at").as("last_executed_at"),
    ])
    .where(inList(dialect, "workflow_id", param.list("workflowIds")))
    .groupBy("workflow_id"),
);
