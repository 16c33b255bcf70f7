import type { Execution, TriggerInfo } from "../../../domain/execution/execution.js";
import type { ExecutionStatus } from "../../../domain/execution/execution-status.js";
import type { JsonObject, JsonValue } from "../../../domain/json.js";
import type { DbValues } from "../sql/db-values.js";
import type { SqlParam, SqlRow } from "../sql/sql-client.js";
import { jsonText, textOrNull } from "./column-values.js";

/** Columns `insertExecutionSql` writes, in parameter order. */
const executionInsertColumns = [
  "execution_id",
  "workflow_id",
  "workflow_version",
  "status",
  "community_id",
  "entity_id",
  "triggered_by",
  "trigger",
  "input_variables",
  "idempotency_key",
  "created_at",
  "start_time",
  "end_time",
  "execution_time_seconds",
  "duration_ms",
  "nodes_executed",
  "total_nodes",
  "failed_nodes",
  "error_reason",
  "error_message",
  "error_node_id",
  "final_output",
  "final_variables",
  "cancel_requested_at",
  "updated_at",
] as const;

export const insertExecutionSql = `insert into workflow_executions (${executionInsertColumns.join(", ")}) values (${executionInsertColumns.map(() => "?").join(", ")})`;

export function executionInsertParams(execution: Execution): SqlParam[] {
  return [
    execution.executionId,
    execution.workflowId,
    execution.workflowVersion,
    execution.status,
    execution.communityId,
    execution.entityId,
    execution.triggeredBy,
    jsonText(execution.trigger),
    jsonText(execution.inputVariables),
    execution.idempotencyKey,
    execution.createdAt,
    execution.startedAt,
    execution.completedAt,
    execution.durationMs === null ? null : execution.durationMs / 1000,
    execution.durationMs,
    execution.nodesExecuted,
    execution.totalNodes,
    jsonText(execution.failedNodes),
    execution.errorReason,
    execution.errorMessage,
    execution.errorNodeId,
    jsonText(execution.finalOutput),
    jsonText(execution.finalVariables),
    execution.cancelRequestedAt,
    execution.createdAt,
  ];
}

export function executionFromRow(row: SqlRow, values: DbValues): Execution {
  return {
    executionId: String(row.execution_id),
    workflowId: String(row.workflow_id),
    workflowVersion: values.int(row.workflow_version),
    status: row.status as ExecutionStatus,
    communityId: values.int(row.community_id),
    entityId: values.int(row.entity_id),
    triggeredBy: String(row.triggered_by),
    trigger: values.json<TriggerInfo>(row.trigger),
    inputVariables: values.json<JsonObject>(row.input_variables),
    idempotencyKey: textOrNull(row.idempotency_key),
    createdAt: values.date(row.created_at),
    startedAt: values.dateOrNull(row.start_time),
    completedAt: values.dateOrNull(row.end_time),
    durationMs: row.duration_ms === null ? null : Number(row.duration_ms),
    nodesExecuted: values.int(row.nodes_executed),
    totalNodes: values.int(row.total_nodes),
    failedNodes: values.json<string[]>(row.failed_nodes),
    errorReason: textOrNull(row.error_reason),
    errorMessage: textOrNull(row.error_message),
    errorNodeId: textOrNull(row.error_node_id),
    finalOutput: values.jsonOrNull<JsonValue>(row.final_output),
    finalVariables: values.json<JsonObject>(row.final_variables),
    cancelRequestedAt: values.dateOrNull(row.cancel_requested_at),
  };
}
