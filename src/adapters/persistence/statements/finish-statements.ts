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
  /** The claim the finish is conditioned on (see FinishGuard); null claimCount: none. */
  claimCount: number | null;
  owner: string | null;
}

/**
 * SQLite: the terminal state, first in its unit; the runs that go with it are inserted after
 * it in the same unit, only if it applied.
 */
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
    .where("status", "in", finishable)
    .where(
      sql<boolean>`(${param("claimCount")} is null or (claim_count = ${param("claimCount")} and lease_owner is ${param("owner")}))`,
    ),
);

/**
 * PostgreSQL: the terminal states of several executions (`outcomes`, a JSON array of partial
 * execution rows) and their last node runs (`runs`) in one statement, each with the same
 * compare-and-set as one finish. An outcome's claim_count and lease_owner are its guard (a
 * null claim_count: none), its node_run_count the number of its runs in `runs`; the runs of
 * an execution are inserted only if its state applied. Returns the ids whose state applied.
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
    .with("finished", (db) =>
      db
        .updateTable("workflow_executions as e")
        .from("batch as b")
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
          node_run_count: eb("e.node_run_count", "+", eb.ref("b.node_run_count")),
        }))
        .whereRef("e.execution_id", "=", "b.execution_id")
        .where("e.status", "in", finishable)
        .where(
          sql<boolean>`(b.claim_count is null or (e.claim_count = b.claim_count and e.lease_owner is not distinct from b.lease_owner))`,
        )
        .returning("e.execution_id"),
    )
    .with("inserted", (db) =>
      db
        .insertInto("workflow_node_executions")
        .expression(
          db
            .selectFrom(postgresNodeRunRecords(param.json("runs")).as("r"))
            .selectAll()
            .where("r.execution_id", "in", (eb) =>
              eb.selectFrom("finished").select("finished.execution_id"),
            ),
        )
        .returning("execution_id"),
    )
    .selectFrom("finished")
    .select("finished.execution_id"),
);
