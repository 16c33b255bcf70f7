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

/** The values of a write that stores node runs; `owner`/`token` only for a fenced one. */
export interface AppendParams {
  runs: unknown;
  checkpoint: JsonValue | null;
  executionId: string;
  /** How many runs `runs` holds (added to node_run_count). */
  added: number;
  owner: string;
  token: number;
}

/**
 * PostgreSQL: replaces the checkpoint and stores node runs in one statement. The UPDATE comes
 * first and the INSERT takes its rows only if the UPDATE matched: fenced, it matches only while
 * the run is running under the writer's claim. A claim by another runner that committed first
 * makes the UPDATE re-check its WHERE against the new row version (READ COMMITTED) and match
 * nothing; one committing after waits for this statement's row lock. Returns the execution id
 * when it wrote.
 */
function postgresAppend(fenced: boolean) {
  return new Statement<AppendParams, { execution_id: string }>(({ db, param }) =>
    db
      .with("fenced", (db) => {
        const update = db
          .updateTable("workflow_executions")
          .set((eb) => ({
            checkpoint: param.json("checkpoint"),
            node_run_count: eb("node_run_count", "+", param("added")),
          }))
          .where("execution_id", "=", param("executionId"));
        return (
          fenced
            ? update
                .where("lease_owner", "=", param("owner"))
                .where("claim_count", "=", param("token"))
                .where("status", "=", "running")
            : update
        ).returning("execution_id");
      })
      .with("inserted", (db) =>
        db
          .insertInto("workflow_node_executions")
          .expression(
            db
              .selectFrom(postgresNodeRunRecords(param.json("runs")).as("r"))
              .selectAll()
              .where((eb) => eb.exists(eb.selectFrom("fenced").select("fenced.execution_id"))),
          )
          .returning("sequence"),
      )
      .selectFrom("fenced")
      .select("fenced.execution_id"),
  );
}

export const postgresAppendNodeRuns = postgresAppend(false);
export const postgresAppendNodeRunsFenced = postgresAppend(true);

/**
 * SQLite: the checkpoint and node-run count after inserting `added` node runs; run first in
 * the unit, so that the inserts follow only if it matched (fenced: the writer's claim holds).
 */
function sqliteCheckpointStatement(fenced: boolean) {
  return new Statement<Omit<AppendParams, "runs">, never>(({ db, param }) => {
    const update = db
      .updateTable("workflow_executions")
      .set((eb) => ({
        checkpoint: param.json("checkpoint"),
        node_run_count: eb("node_run_count", "+", param("added")),
      }))
      .where("execution_id", "=", param("executionId"));
    return fenced
      ? update
          .where("lease_owner", "=", param("owner"))
          .where("claim_count", "=", param("token"))
          .where("status", "=", "running")
      : update;
  });
}

export const sqliteCheckpoint = sqliteCheckpointStatement(false);
export const sqliteCheckpointFenced = sqliteCheckpointStatement(true);
