import type { NodeRun } from "../../../domain/execution/node-run.js";
import type { JsonValue } from "../../../domain/json.js";
import type { Dialect } from "../dialect.js";
import { jsonText } from "../mappers/column-values.js";
import { nodeRunColumns, nodeRunParams, nodeRunRecord } from "../mappers/node-run-rows.js";
import type { SqlClient, SqlParam, SqlStatement } from "../sql/sql-client.js";

export const nodeRunRecordTypes: Record<(typeof nodeRunColumns)[number], string> = {
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
 * PostgreSQL: a CTE inserting a batch of node runs (one JSON parameter expanded by
 * jsonb_to_recordset; a JSON null becomes SQL NULL there, as the SQLite path stores it), for
 * a statement that counts them with `(select count(*) from inserted)`.
 */
export const postgresInsertedNodeRuns = `
inserted as (
  insert into workflow_node_executions (execution_id, ${nodeRunColumns.join(", ")})
  select ?, ${nodeRunColumns.map((c) => `r.${c}`).join(", ")}
  from jsonb_to_recordset(?::jsonb) as r(${nodeRunColumns.map((c) => `${c} ${nodeRunRecordTypes[c]}`).join(", ")})
  returning 1
)`;

export function postgresNodeRunParams(executionId: string, runs: readonly NodeRun[]): SqlParam[] {
  return [executionId, JSON.stringify(runs.map(nodeRunRecord))];
}

/** PostgreSQL: one statement (one round trip, atomic) whatever the batch size. */
const postgresSql = `
with ${postgresInsertedNodeRuns}
update workflow_executions
set checkpoint = ?::jsonb, node_run_count = node_run_count + (select count(*) from inserted)
where execution_id = ?`;

/** SQLite: rows per INSERT; a statement per row count up to this is prepared once. */
const sqliteRowsPerInsert = 16;
const sqliteRow = `(?, ${nodeRunColumns.map(() => "?").join(", ")})`;
const sqliteInserts = Array.from(
  { length: sqliteRowsPerInsert },
  (_, index) =>
    `insert into workflow_node_executions (execution_id, ${nodeRunColumns.join(", ")}) values ${Array(
      index + 1,
    )
      .fill(sqliteRow)
      .join(", ")}`,
);

/** SQLite: multi-row INSERTs of the runs, for one atomic unit with the execution's update. */
export function sqliteNodeRunInserts(
  executionId: string,
  runs: readonly NodeRun[],
): SqlStatement[] {
  const statements: SqlStatement[] = [];
  for (let start = 0; start < runs.length; start += sqliteRowsPerInsert) {
    const chunk = runs.slice(start, start + sqliteRowsPerInsert);
    statements.push({
      sql: sqliteInserts[chunk.length - 1] as string,
      params: chunk.flatMap((run) => [executionId, ...nodeRunParams(run)]),
    });
  }
  return statements;
}

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
    const params = [...postgresNodeRunParams(executionId, runs), checkpointText, executionId];
    return (await sql.run(postgresSql, params)) > 0;
  }
  const changes = await sql.atomic([
    ...sqliteNodeRunInserts(executionId, runs),
    { sql: sqliteCheckpointSql, params: [checkpointText, runs.length, executionId] },
  ]);
  return (changes.at(-1) ?? 0) > 0;
}
