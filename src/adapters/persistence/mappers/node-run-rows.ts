import type { LogLine, NodeRun } from "../../../domain/execution/node-run.js";
import type { NewRow, Row } from "../entities/index.js";

export type NodeRunRow = Row<"workflow_node_executions">;

export function nodeRunToRow(
  executionId: string,
  run: NodeRun,
): Required<NewRow<"workflow_node_executions">> {
  return {
    execution_id: executionId,
    sequence: run.sequence,
    node_id: run.nodeId,
    node_type: run.nodeType,
    status: run.status,
    attempt: run.attempt,
    started_at: run.startedAt,
    completed_at: run.completedAt,
    duration_ms: run.durationMs,
    input: run.input,
    output: run.output,
    output_truncated: run.outputTruncated,
    output_port: run.outputPort,
    logs: run.logs.map((line) => ({ time: line.time.toISOString(), message: line.message })),
    error_reason: run.errorReason,
    error_message: run.errorMessage,
    iterations: run.iterations,
    operations: run.operations,
    iteration_path: run.iterationPath,
    simulated_request: run.simulatedRequest,
  };
}

/** `logs` may be absent from the row (a query that left it out): then no lines. */
export function nodeRunFromRow(row: Omit<NodeRunRow, "logs"> & Partial<NodeRunRow>): NodeRun {
  return {
    sequence: row.sequence,
    nodeId: row.node_id,
    nodeType: row.node_type,
    status: row.status,
    attempt: row.attempt,
    startedAt: row.started_at,
    completedAt: row.completed_at,
    durationMs: Number(row.duration_ms),
    input: row.input,
    output: row.output,
    outputTruncated: row.output_truncated,
    outputPort: row.output_port,
    logs: (row.logs ?? []).map(
      (line): LogLine => ({ time: new Date(line.time), message: line.message }),
    ),
    errorReason: row.error_reason,
    errorMessage: row.error_message,
    iterations: row.iterations,
    operations: row.operations,
    iterationPath: row.iteration_path,
    simulatedRequest: row.simulated_request,
  };
}
