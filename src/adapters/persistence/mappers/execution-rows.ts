import type { Execution } from "../../../domain/execution/execution.js";
import type { NewRow, Row } from "../entities/index.js";

export type ExecutionRow = Row<"workflow_executions">;

/** A new execution's whole row: no lease, no claim, no node runs, no checkpoint yet. */
export function executionToRow(execution: Execution): Required<NewRow<"workflow_executions">> {
  return {
    execution_id: execution.executionId,
    workflow_id: execution.workflowId,
    workflow_version: execution.workflowVersion,
    status: execution.status,
    community_id: execution.communityId,
    entity_id: execution.entityId,
    triggered_by: execution.triggeredBy,
    trigger: execution.trigger,
    input_variables: execution.inputVariables,
    idempotency_key: execution.idempotencyKey,
    created_at: execution.createdAt,
    start_time: execution.startedAt,
    end_time: execution.completedAt,
    execution_time_seconds: execution.durationMs === null ? null : execution.durationMs / 1000,
    duration_ms: execution.durationMs,
    nodes_executed: execution.nodesExecuted,
    total_nodes: execution.totalNodes,
    failed_nodes: execution.failedNodes,
    error_reason: execution.errorReason,
    error_message: execution.errorMessage,
    error_node_id: execution.errorNodeId,
    final_output: execution.finalOutput,
    final_variables: execution.finalVariables,
    cancel_requested_at: execution.cancelRequestedAt,
    lease_owner: null,
    lease_expires_at: null,
    claim_count: 0,
    node_run_count: 0,
    checkpoint: null,
    updated_at: execution.createdAt,
    wake_at: null,
    wait_reason: null,
    wait_nodes: null,
  };
}

export function executionFromRow(row: ExecutionRow): Execution {
  return {
    executionId: row.execution_id,
    workflowId: row.workflow_id,
    workflowVersion: row.workflow_version,
    status: row.status,
    communityId: row.community_id,
    entityId: row.entity_id,
    triggeredBy: row.triggered_by,
    trigger: row.trigger,
    inputVariables: row.input_variables,
    idempotencyKey: row.idempotency_key,
    createdAt: row.created_at,
    startedAt: row.start_time,
    completedAt: row.end_time,
    durationMs: row.duration_ms === null ? null : Number(row.duration_ms),
    nodesExecuted: row.nodes_executed,
    totalNodes: row.total_nodes,
    failedNodes: row.failed_nodes,
    errorReason: row.error_reason,
    errorMessage: row.error_message,
    errorNodeId: row.error_node_id,
    finalOutput: row.final_output,
    finalVariables: row.final_variables,
    cancelRequestedAt: row.cancel_requested_at,
    wait:
      row.wait_reason === null
        ? null
        : { reason: "timer", wakeAt: row.wake_at, nodeIds: row.wait_nodes ?? [] },
  };
}
