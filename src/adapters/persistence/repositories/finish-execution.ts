import type { NodeRun } from "../../../domain/execution/node-run.js";
import type { ExecutionOutcome } from "../../../ports/execution-repository.js";
import type { Dialect } from "../dialect.js";
import { jsonText } from "../mappers/column-values.js";
import type { SqlClient, SqlParam } from "../sql/sql-client.js";
import {
  postgresInsertedNodeRuns,
  postgresNodeRunParams,
  sqliteNodeRunInserts,
} from "./append-node-runs.js";

/** The terminal-state compare-and-set; `node_run_count` grows by the runs stored with it. */
const finishSql = (addedRuns: string) => `
update workflow_executions
set status = ?, end_time = ?, duration_ms = ?, execution_time_seconds = ?, nodes_executed = ?,
    total_nodes = coalesce(?, total_nodes), failed_nodes = ?, error_reason = ?, error_message = ?,
    error_node_id = ?, final_output = ?, final_variables = ?, lease_owner = null,
    lease_expires_at = null, updated_at = ?, node_run_count = node_run_count + ${addedRuns}
where execution_id = ? and status in ('pending', 'running')`;

const plainSql = finishSql("0");
const sqliteWithRunsSql = finishSql("?");
const postgresWithRunsSql = `with ${postgresInsertedNodeRuns} ${finishSql("(select count(*) from inserted)")}`;

/**
 * Writes the terminal state, and the node runs not stored yet, atomically: one statement on
 * PostgreSQL, one group-commit unit on SQLite. The runs are stored even when the
 * compare-and-set finds the execution already terminal. Returns whether the state was applied.
 */
export async function finishExecution(
  sql: SqlClient,
  dialect: Dialect,
  executionId: string,
  outcome: ExecutionOutcome,
  runs: readonly NodeRun[],
): Promise<boolean> {
  const set: SqlParam[] = [
    outcome.status,
    outcome.completedAt,
    outcome.durationMs,
    outcome.durationMs / 1000,
    outcome.nodesExecuted,
    outcome.totalNodes ?? null,
    JSON.stringify(outcome.failedNodes),
    outcome.errorReason,
    outcome.errorMessage,
    outcome.errorNodeId,
    jsonText(outcome.finalOutput),
    JSON.stringify(outcome.finalVariables),
    outcome.completedAt,
  ];
  if (runs.length === 0) return (await sql.run(plainSql, [...set, executionId])) > 0;
  if (dialect === "postgresql") {
    const params = [...postgresNodeRunParams(executionId, runs), ...set, executionId];
    return (await sql.run(postgresWithRunsSql, params)) > 0;
  }
  const changes = await sql.atomic([
    ...sqliteNodeRunInserts(executionId, runs),
    { sql: sqliteWithRunsSql, params: [...set, runs.length, executionId] },
  ]);
  return (changes.at(-1) ?? 0) > 0;
}
