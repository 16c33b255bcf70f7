import type { NodeRun } from "../../../domain/execution/node-run.js";
import type { JsonValue } from "../../../domain/json.js";
import type { Dialect } from "../dialect.js";
import { jsonText } from "../mappers/column-values.js";
import { nodeRunColumns, nodeRunParams, nodeRunRecord } from "../mappers/node-run-rows.js";
import type { SqlClient } from "../sql/sql-client.js";

const recordTypes: Record<(typeof nodeRunColumns)[number], string> = {
  sequence: "int",
  node_id: "text",
  node_type: "text",
  status: "text",
  attempt: "int",
  started_at: "timestamptz",
  completed_at: "timestamptz",
  duration_ms: "double precision",
  input: "jsonb",
  output: "jsonb",
  output_truncated: "boolean",
  output_port: "text",
  logs: "jsonb",
  error_reason: "text",
  error_message: "text",
  iterations: "int",
  operations: "int",
  iteration_path: "jsonb",
  simulated_request: "jsonb",
};

/**
 * PostgreSQL: one statement (one round trip, atomic) whatever the batch size. The batch is one
 * JSON parameter expanded by jsonb_to_recordset; a JSON null becomes SQL NULL there, as the
 * SQLite path stores it.
 */
const postgresSql = `
with inserted as (
  insert into workflow_node_executions (execution_id, ${nodeRunColumns.join(", ")})
  select ?, ${nodeRunColumns.map((c) => `r.${c}`).join(", ")}
  from jsonb_to_recordset(?::jsonb) as r(${nodeRunColumns.map((c) => `${c} ${recordTypes[c]}`).join(", ")})
  returning 1
)
update workflow_executions
set checkpoint = ?::jsonb, node_run_count = node_run_count + (select count(*) from inserted)
where execution_id = ?`;

const sqliteInsertSql = `insert into workflow_node_executions (execution_id, ${nodeRunColumns.join(", ")}) values (?, ${nodeRunColumns.map(() => "?").join(", ")})`;

const sqliteCheckpointSql =
  "update workflow_executions set checkpoint = ?, node_run_count = node_run_count + ? where execution_id = ?";

/** Inserts the runs and replaces the checkpoint atomically; returns false if no such execution. */
export async function appendNodeRuns(
  sql: SqlClient,
  dialect: Dialect,
  executionId: string,
  runs: readonly NodeRun[],
  checkpoint: JsonValue | null,
): Promise<boolean> {
  const checkpointText = jsonText(checkpoint);
  if (dialect === "postgresql") {
    const batch = JSON.stringify(runs.map(nodeRunRecord));
    return (await sql.run(postgresSql, [executionId, batch, checkpointText, executionId])) > 0;
  }
  const changes = await sql.atomic([
    ...runs.map((run) => ({ sql: sqliteInsertSql, params: [executionId, ...nodeRunParams(run)] })),
    { sql: sqliteCheckpointSql, params: [checkpointText, runs.length, executionId] },
  ]);
  return (changes.at(-1) ?? 0) > 0;
}
