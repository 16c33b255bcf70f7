import type { EngineResult, EngineStatus } from "../../domain/engine/engine-types.js";
import type { ErrorReason } from "../../domain/errors.js";
import type { NodeRun } from "../../domain/execution/node-run.js";
import type { WorkflowVersionRef } from "../../ports/engine-host.js";
import type { PooledRun } from "./pooled-run.js";
import type { SlotNode } from "./worker-slots.js";

/** How the pool ends a run its worker can no longer finish. */
export interface HostEnd {
  status: EngineStatus;
  errorReason: ErrorReason | null;
  errorMessage: string;
  errorNodeId: string | null;
}

export function cpuLimitMessage(what: "run" | "dry-run", boundMs: number, nodeId: string | null) {
  const where = nodeId === null ? "between nodes" : `in node ${nodeId}`;
  return `${what} exceeded its CPU-time bound of ${boundMs} ms ${where}`;
}

/** The result of a run ended by the pool: the state of its latest checkpoint, and `end`. */
export function hostEndedResult(run: PooledRun, end: HostEnd, now: number): EngineResult {
  const checkpoint = run.lastCheckpoint;
  const failedNodes = [...(checkpoint?.failedNodes ?? [])];
  if (end.errorNodeId !== null && !failedNodes.includes(end.errorNodeId)) {
    failedNodes.push(end.errorNodeId);
  }
  return {
    status: end.status,
    errorReason: end.errorReason,
    errorMessage: end.errorMessage,
    errorNodeId: end.errorNodeId,
    finalOutput: checkpoint?.finalOutput ?? null,
    finalVariables: checkpoint?.variables ?? {},
    nodesExecuted: Math.max(checkpoint?.nodesExecuted ?? 0, run.delivered),
    failedNodes,
    operations: checkpoint?.operations ?? 0,
    startedAt: run.startedAt,
    completedAt: new Date(now),
    durationMs: Math.max(0, now - run.startedAt.getTime()),
    counts: { ...run.counts },
    trace: null,
    wait: null,
  };
}

/** The failed record of the node a run was in when it exceeded its CPU-time bound. */
export function cpuLimitRecord(
  workflow: WorkflowVersionRef,
  node: SlotNode,
  message: string,
  now: number,
): NodeRun {
  const definition = workflow.definition.nodes[node.index];
  const startedAt = node.startedAtMs > 0 ? new Date(node.startedAtMs) : null;
  return {
    sequence: node.sequence,
    nodeId: definition?.nodeId ?? "",
    nodeType: definition?.nodeType ?? "",
    status: "failed",
    attempt: node.attempt,
    startedAt,
    completedAt: new Date(now),
    durationMs: startedAt === null ? 0 : Math.max(0, now - startedAt.getTime()),
    input: null,
    output: null,
    outputTruncated: false,
    outputPort: null,
    logs: [],
    errorReason: "CPU_LIMIT_EXCEEDED",
    errorMessage: message,
    iterations: 0,
    operations: 0,
    iterationPath: [],
    simulatedRequest: null,
  };
}
