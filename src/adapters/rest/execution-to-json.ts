import type { TestResult } from "../../application/executions/test-workflow.js";
import type { Execution, ExecutionWithNodeRuns } from "../../domain/execution/execution.js";
import type { NodeRun } from "../../domain/execution/node-run.js";
import type { JsonObject } from "../../domain/json.js";
import { isoTime, seconds } from "./iso-time.js";

/**
 * `start_time` is when the run started, or, while it is still pending, when it was accepted
 * (the original's 202 answer carried a start time before anything ran).
 */
function startTime(execution: Execution): string | null {
  return isoTime(execution.startedAt ?? execution.createdAt);
}

/** The answer to POST /workflows/:id/execute (E1). */
export function executionStartedToJson(execution: Execution): JsonObject {
  return {
    execution_id: execution.executionId,
    workflow_id: execution.workflowId,
    workflow_version: execution.workflowVersion,
    status: execution.status,
    start_time: startTime(execution),
    created_at: isoTime(execution.createdAt),
    execution_path: [],
  };
}

/** One row of GET /workflows/:id/executions (E4). */
export function executionListItemToJson(execution: Execution): JsonObject {
  return {
    execution_id: execution.executionId,
    workflow_id: execution.workflowId,
    workflow_version: execution.workflowVersion,
    status: execution.status,
    success: execution.status === "completed",
    start_time: startTime(execution),
    end_time: isoTime(execution.completedAt),
    execution_time_seconds: seconds(execution.durationMs),
    nodes_executed: execution.nodesExecuted,
    error: execution.errorMessage,
    error_code: execution.errorReason,
    created_at: isoTime(execution.createdAt),
    wait: waitToJson(execution),
  };
}

/** A parked run's wait (status stays "running"), or null. */
function waitToJson(execution: Execution): JsonObject | null {
  const wait = execution.wait;
  if (wait === null) return null;
  return { reason: wait.reason, wake_at: isoTime(wait.wakeAt), node_ids: wait.nodeIds };
}

/** The original get_execution_summary() fields (E2), completed with what its docs promised. */
export function executionSummaryToJson(execution: Execution): JsonObject {
  return {
    execution_id: execution.executionId,
    workflow_id: execution.workflowId,
    workflow_version: execution.workflowVersion,
    status: execution.status,
    success: execution.status === "completed",
    total_nodes_executed: execution.nodesExecuted,
    total_nodes: execution.totalNodes,
    failed_nodes: execution.failedNodes,
    execution_time_seconds: seconds(execution.durationMs),
    start_time: startTime(execution),
    end_time: isoTime(execution.completedAt),
    error: execution.errorMessage,
    error_code: execution.errorReason,
    error_node_id: execution.errorNodeId,
    community_id: execution.communityId,
    entity_id: execution.entityId,
    triggered_by: execution.triggeredBy,
    trigger: {
      trigger_node_id: execution.trigger.triggerNodeId,
      trigger_source: execution.trigger.triggerSource,
      session_id: execution.trigger.sessionId,
      platform: execution.trigger.platform,
      data: execution.trigger.data,
    },
    variables: execution.inputVariables,
    created_at: isoTime(execution.createdAt),
    cancel_requested_at: isoTime(execution.cancelRequestedAt),
    wait: waitToJson(execution),
  };
}

export interface ExecutionDetailOptions {
  nodeRuns: boolean;
  metrics: boolean;
}

/**
 * GET /workflows/executions/:id: the summary, final variables and output, and (unless left
 * out) `execution_path`, `node_states` (the latest run of each node, keyed by node id, as the
 * original's ExecutionResult) and `node_runs` (every run in order, one per loop iteration).
 */
export function executionDetailToJson(
  execution: ExecutionWithNodeRuns,
  options: ExecutionDetailOptions,
): JsonObject {
  const json: JsonObject = {
    ...executionSummaryToJson(execution),
    final_variables: execution.finalVariables,
    final_output: execution.finalOutput,
  };
  const runs = [...execution.nodeRuns].sort((a, b) => a.sequence - b.sequence);
  if (options.nodeRuns) {
    json.execution_path = runs.map((run) => run.nodeId);
    json.node_states = nodeStatesToJson(runs);
    json.node_runs = runs.map(nodeRunToJson);
  }
  if (options.metrics) json.metrics = metricsToJson(execution, runs);
  return json;
}

export function nodeRunToJson(run: NodeRun): JsonObject {
  return {
    sequence: run.sequence,
    node_id: run.nodeId,
    node_type: run.nodeType,
    status: run.status,
    attempt: run.attempt,
    started_at: isoTime(run.startedAt),
    completed_at: isoTime(run.completedAt),
    duration_seconds: seconds(run.durationMs),
    input: run.input,
    output: run.output,
    output_truncated: run.outputTruncated,
    output_port: run.outputPort,
    logs: run.logs.map((line) => ({ time: isoTime(line.time), message: line.message })),
    error: run.errorMessage,
    error_type: run.errorReason,
    iterations: run.iterations,
    operations: run.operations,
    iteration_path: run.iterationPath,
    simulated_request: run.simulatedRequest,
  };
}

function nodeStatesToJson(runs: NodeRun[]): JsonObject {
  const states: JsonObject = {};
  const counts = new Map<string, number>();
  for (const run of runs) {
    const count = (counts.get(run.nodeId) ?? 0) + 1;
    counts.set(run.nodeId, count);
    states[run.nodeId] = { ...nodeRunToJson(run), run_count: count };
  }
  return states;
}

/** The original ExecutionMetrics, computed from the stored node runs. */
export function metricsToJson(execution: Execution, runs: NodeRun[]): JsonObject {
  const timed = runs.filter((run) => run.status !== "skipped");
  const slowest = timed.reduce<NodeRun | null>(
    (max, run) => (max === null || run.durationMs > max.durationMs ? run : max),
    null,
  );
  const totalNodeMs = timed.reduce((sum, run) => sum + run.durationMs, 0);
  return {
    total_duration_seconds: seconds(execution.durationMs),
    node_count: execution.totalNodes,
    nodes_executed: execution.nodesExecuted,
    node_runs: runs.length,
    nodes_skipped: runs.filter((run) => run.status === "skipped").length,
    nodes_failed: runs.filter((run) => run.status === "failed").length,
    average_node_time_seconds: timed.length === 0 ? null : seconds(totalNodeMs / timed.length),
    slowest_node_id: slowest?.nodeId ?? null,
    slowest_node_time_seconds: slowest === null ? null : seconds(slowest.durationMs),
    total_operations: runs.reduce((sum, run) => sum + run.operations, 0),
    variable_count: Object.keys(execution.finalVariables).length,
  };
}

/** POST /workflows/:id/test (E5). */
export function testResultToJson(result: TestResult): JsonObject {
  const { outcome } = result;
  return {
    ...testHead(result),
    trace: result.trace.map(nodeRunToJson),
    final_variables: outcome.finalVariables,
    final_output: outcome.finalOutput,
    ...testOutcomeFields(result),
  };
}

/**
 * The test result without what grows with the run (trace, final variables and output): what
 * a refusal for size (PAYLOAD_TOO_LARGE) still tells about the run.
 */
export function testOutcomeToJson(result: TestResult): JsonObject {
  return { ...testHead(result), ...testOutcomeFields(result) };
}

function testHead(result: TestResult): JsonObject {
  return {
    execution_id: result.executionId,
    workflow_id: result.workflowId,
    workflow_version: result.workflowVersion,
    test_mode: true,
    status: result.outcome.status,
    success: result.summary.passed,
    execution_time_seconds: seconds(result.summary.durationMs),
  };
}

function testOutcomeFields(result: TestResult): JsonObject {
  const { outcome, summary } = result;
  return {
    error: outcome.errorMessage,
    error_code: outcome.errorReason,
    error_node_id: outcome.errorNodeId,
    failed_nodes: outcome.failedNodes,
    summary: {
      nodes_executed: summary.nodesExecuted,
      nodes_failed: summary.nodesFailed,
      total_duration: seconds(summary.durationMs),
      passed: summary.passed,
    },
  };
}
