import type { NodeStatus } from "../../../domain/execution/execution-status.js";
import type { LogLine, NodeRun } from "../../../domain/execution/node-run.js";
import type { JsonValue } from "../../../domain/json.js";
import type { DbValues } from "../sql/db-values.js";
import type { SqlParam, SqlRow } from "../sql/sql-client.js";
import { jsonText, textOrNull } from "./column-values.js";

/** Log lines are stored as `[{ time: ISO-8601, message }]`. */
interface StoredLogLine {
  time: string;
  message: string;
}

/** Columns of workflow_node_executions after execution_id, in parameter order. */
export const nodeRunColumns = [
  "sequence",
  "node_id",
  "node_type",
  "status",
  "attempt",
  "started_at",
  "completed_at",
  "duration_ms",
  "input",
  "output",
  "output_truncated",
  "output_port",
  "logs",
  "error_reason",
  "error_message",
  "iterations",
  "operations",
  "iteration_path",
  "simulated_request",
] as const;

export function nodeRunParams(run: NodeRun): SqlParam[] {
  return [
    run.sequence,
    run.nodeId,
    run.nodeType,
    run.status,
    run.attempt,
    run.startedAt,
    run.completedAt,
    run.durationMs,
    jsonText(run.input),
    jsonText(run.output),
    run.outputTruncated,
    run.outputPort,
    JSON.stringify(storedLogs(run.logs)),
    run.errorReason,
    run.errorMessage,
    run.iterations,
    run.operations,
    JSON.stringify(run.iterationPath),
    jsonText(run.simulatedRequest),
  ];
}

/** The run as one element of the JSON batch PostgreSQL expands with jsonb_to_recordset. */
export function nodeRunRecord(run: NodeRun): Record<(typeof nodeRunColumns)[number], unknown> {
  return {
    sequence: run.sequence,
    node_id: run.nodeId,
    node_type: run.nodeType,
    status: run.status,
    attempt: run.attempt,
    started_at: run.startedAt?.toISOString() ?? null,
    completed_at: run.completedAt?.toISOString() ?? null,
    duration_ms: run.durationMs,
    input: run.input,
    output: run.output,
    output_truncated: run.outputTruncated,
    output_port: run.outputPort,
    logs: storedLogs(run.logs),
    error_reason: run.errorReason,
    error_message: run.errorMessage,
    iterations: run.iterations,
    operations: run.operations,
    iteration_path: run.iterationPath,
    simulated_request: run.simulatedRequest,
  };
}

/** `logs` may be absent from the row (a query that left it out): then no lines. */
export function nodeRunFromRow(row: SqlRow, values: DbValues): NodeRun {
  const logs = row.logs === undefined ? [] : values.json<StoredLogLine[]>(row.logs);
  return {
    sequence: values.int(row.sequence),
    nodeId: String(row.node_id),
    nodeType: String(row.node_type),
    status: row.status as NodeStatus,
    attempt: values.int(row.attempt),
    startedAt: values.dateOrNull(row.started_at),
    completedAt: values.dateOrNull(row.completed_at),
    durationMs: Number(row.duration_ms),
    input: values.jsonOrNull<JsonValue>(row.input),
    output: values.jsonOrNull<JsonValue>(row.output),
    outputTruncated: values.bool(row.output_truncated),
    outputPort: textOrNull(row.output_port),
    logs: logs.map((line): LogLine => ({ time: new Date(line.time), message: line.message })),
    errorReason: textOrNull(row.error_reason),
    errorMessage: textOrNull(row.error_message),
    iterations: values.int(row.iterations),
    operations: values.int(row.operations),
    iterationPath: values.json<number[]>(row.iteration_path),
    simulatedRequest: values.jsonOrNull<JsonValue>(row.simulated_request),
  };
}

function storedLogs(logs: LogLine[]): StoredLogLine[] {
  return logs.map((line) => ({ time: line.time.toISOString(), message: line.message }));
}
