import { sql } from "kysely";
import type { JsonObject, JsonValue } from "../../../domain/json.js";
import { Statement } from "../database/statement.js";
import type { Row } from "../entities/index.js";
import { postgresNodeRunRecords } from "./node-run-statements.js";

/** The compare-and-set of every finish: only a run still pending or running changes. */
const finishable = ["pending", "running"] as const;

export interface SqliteFinishParams {
  executionId: string;
  status: "completed" | "failed" | "cancelled";
  endTime: Date;
  durationMs: number;
  executionTimeSeconds: number;
  nodesExecuted: number;
  /** Null keeps the stored value. */
  totalNodes: number | null;
  failedNodes: string[];
  errorReason: string | null;
  errorMessage: string | null;
  errorNodeId: string | null;
  finalOutput: JsonValue;
  finalVariables: JsonObject;
  /** Node runs stored in the same unit, added to node_run_count. */
  added: number;
}

/** SQLite: the terminal state; the runs that go with it are inserted in the same unit. */
export const sqliteFinish = new Statement<SqliteFinishParams, never>(({ db, param }) =>
  db
    .updateTable("workflow_executions")
    .set((eb) => ({
      status: param("status"),
      end_time: param("endTime"),
      duration_ms: param("durationMs"),
      execution_time_seconds: param("executionTimeSeconds"),
      nodes_executed: param("nodesExecuted"),
      total_nodes: eb.fn.coalesce(eb.val(param("totalNodes")), "total_nodes"),
      failed_nodes: param.json("failedNodes"),
      error_reason: param("errorReason"),
      error_message: param("errorMessage"),
      error_node_id: param("errorNodeId"),
      final_output: param.json("finalOutput"),
      final_variables: param.json("finalVariables"),
      lease_owner: null,
      lease_expires_at: null,
      updated_at: param("endTime"),
      node_run_count: eb("node_run_count", "+", param("added")),
    }))
    .where("execution_id", "=", param("executionId"))
    .where("status", "in", finishable),
);

/**
 * PostgreSQL: the terminal states of several executions (`outcomes`, a JSON array of partial
 * execution rows) and their last node runs (`runs`) in one statement, with the same
 * compare-and-set as one finish; the node runs are stored either way. Returns the ids whose
 * state applied.
 */
export const postgresFinishBatch = new Statement<
  { outcomes: unknown; runs: unknown },
  { execution_id: string }
>(({ db, param }) =>
  db
    .with("batch", (db) =>
      db
        .selectFrom(
          sql<
            Row<"workflow_executions">
          >`jsonb_populate_recordset(null::workflow_executions, ${param.json("outcomes")}::jsonb)`.as(
            "b",
          ),
        )
        .selectAll(),
    )
    .with("inserted", (db) =>
      db
        .insertInto("workflow_node_executions")
        .expression(db.selectFrom(postgresNodeRunRecords(param.json("runs")).as("r")).selectAll())
        .returning("execution_id"),
    )
    .with("added", (db) =>
      db
        .selectFrom("inserted")
        .select((eb) => ["execution_id", eb.fn.countAll<number>().as("n")])
        .groupBy("execution_id"),
    )
    .updateTable("workflow_executions as e")
    .from("batch as b")
    .leftJoin("added as a", "a.execution_id", "b.execution_id")
    .set((eb) => ({
      status: eb.ref("b.status"),
      end_time: eb.ref("b.end_time"),
      duration_ms: eb.ref("b.duration_ms"),
      execution_time_seconds: eb.ref("b.execution_time_seconds"),
      nodes_executed: eb.ref("b.nodes_executed"),
      total_nodes: eb.fn.coalesce("b.total_nodes", "e.total_nodes"),
      failed_nodes: eb.ref("b.failed_nodes"),
      error_reason: eb.ref("b.error_reason"),
      error_message: eb.ref("b.error_message"),
      error_node_id: eb.ref("b.error_node_id"),
      final_output: eb.ref("b.final_output"),
      final_variables: eb.ref("b.final_variables"),
      lease_owner: null,
      lease_expires_at: null,
      updated_at: eb.ref("b.end_time").$notNull(),
      node_run_count: eb("e.node_run_count", "+", eb.fn.coalesce("a.n", sql.lit(0))),
    }))
    .whereRef("e.execution_id", "=", "b.execution_id")
    .where("e.status", "in", finishable)
    .returning("e.execution_id"),
);
