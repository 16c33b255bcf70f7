import { sql } from "kysely";
import type { JsonValue } from "../../../domain/json.js";
import { inList } from "../database/sql-fragments.js";
import { rowParams, Statement } from "../database/statement.js";
import type { NewRow, Row } from "../entities/index.js";

type NodeRunRow = Row<"workflow_node_executions">;

/** A node run's row without its log lines (GetExecution with omit_logs). */
export type NodeRunRowWithoutLogs = Omit<NodeRunRow, "logs">;

export const nodeRunsOf = new Statement<{ executionId: string }, NodeRunRow>(
  ({ db, param }) =>
    db
      .selectFrom("workflow_node_executions")
      .selectAll()
      .where("execution_id", "=", param("executionId"))
      .orderBy("sequence"),
  "workflow_node_executions",
);

export const nodeRunsWithoutLogsOf = new Statement<{ executionId: string }, NodeRunRowWithoutLogs>(
  ({ db, param, columnsOf }) =>
    db
      .selectFrom("workflow_node_executions")
      .select(
        columnsOf("workflow_node_executions")
          .map((column) => column.name as keyof NodeRunRow)
          .filter((name) => name !== "logs"),
      )
      .where("execution_id", "=", param("executionId"))
      .orderBy("sequence"),
  "workflow_node_executions",
);

/** The node runs of several executions, by execution then sequence (resumed claims). */
export const nodeRunsOfExecutions = new Statement<{ executionIds: string[] }, NodeRunRow>(
  ({ db, dialect, param }) =>
    db
      .selectFrom("workflow_node_executions")
      .selectAll()
      .where(inList(dialect, "execution_id", param.list("executionIds")))
      .orderBy("execution_id")
      .orderBy("sequence"),
  "workflow_node_executions",
);

/** SQLite: rows per INSERT; a statement per row count up to this is compiled once. */
export const sqliteRowsPerInsert = 16;

/** SQLite: multi-row INSERTs of 1 to 16 node runs, given as the rows `runs`. */
export const sqliteNodeRunInserts = Array.from(
  { length: sqliteRowsPerInsert },
  (_, count) =>
    new Statement<{ runs: NewRow<"workflow_node_executions">[] }, never>((context) =>
      context.db
        .insertInto("workflow_node_executions")
        .values(
          Array.from({ length: count + 1 }, (_, index) =>
            rowParams("workflow_node_executions", context, { name: "runs", index }),
          ),
        ),
    ),
);

/**
 * PostgreSQL: node runs given as one JSON array of rows (`runs`), expanded into rows of the
 * table's own type, so the statement needs no column list and its text no batch size.
 */
export function postgresNodeRunRecords(runs: unknown) {
  return sql<NodeRunRow>`jsonb_populate_recordset(null::workflow_node_executions, ${runs}::jsonb)`;
}

/** PostgreSQL: stores node runs and replaces the checkpoint in one statement. */
export const postgresAppendNodeRuns = new Statement<
  { runs: unknown; checkpoint: JsonValue | null; executionId: string },
  never
>(({ db, param }) =>
  db
    .with("inserted", (db) =>
      db
        .insertInto("workflow_node_executions")
        .expression(db.selectFrom(postgresNodeRunRecords(param.json("runs")).as("r")).selectAll())
        .returning("sequence"),
    )
    .updateTable("workflow_executions")
    .set((eb) => ({
      checkpoint: param.json("checkpoint"),
      node_run_count: eb(
        "node_run_count",
        "+",
        eb.selectFrom("inserted").select((eb) => eb.fn.countAll<number>().as("n")),
      ),
    }))
    .where("execution_id", "=", param("executionId")),
);

/** SQLite: the checkpoint and node-run count after inserting `added` node runs. */
export const sqliteCheckpoint = new Statement<
  { checkpoint: JsonValue | null; added: number; executionId: string },
  never
>(({ db, param }) =>
  db
    .updateTable("workflow_executions")
    .set((eb) => ({
      checkpoint: param.json("checkpoint"),
      node_run_count: eb("node_run_count", "+", param("added")),
    }))
    .where("execution_id", "=", param("executionId")),
);
