import { create } from "@bufbuild/protobuf";
import type { Execution, ExecutionWait } from "../../../domain/execution/execution.js";
import type { ExecutionEvent } from "../../../domain/execution/execution-event.js";
import type {
  ExecutionStatus as DomainExecutionStatus,
  NodeStatus as DomainNodeStatus,
} from "../../../domain/execution/execution-status.js";
import type { NodeRun } from "../../../domain/execution/node-run.js";
import {
  ExecutionEventSchema,
  ExecutionSchema,
  ExecutionStatus,
  NodeRunSchema,
  NodeStatus,
  type Execution as ProtoExecution,
  type ExecutionEvent as ProtoExecutionEvent,
  type NodeRun as ProtoNodeRun,
} from "../../../gen/waddlebot/workflow/v1/execution_pb.js";
import { toTimestamp, toValue } from "./proto-scalars.js";

export const executionStatusToProto: Record<DomainExecutionStatus, ExecutionStatus> = {
  pending: ExecutionStatus.PENDING,
  running: ExecutionStatus.RUNNING,
  completed: ExecutionStatus.COMPLETED,
  failed: ExecutionStatus.FAILED,
  cancelled: ExecutionStatus.CANCELLED,
  paused: ExecutionStatus.PAUSED,
};

const nodeStatusToProto: Record<DomainNodeStatus, NodeStatus> = {
  pending: NodeStatus.PENDING,
  ready: NodeStatus.READY,
  running: NodeStatus.RUNNING,
  completed: NodeStatus.COMPLETED,
  failed: NodeStatus.FAILED,
  skipped: NodeStatus.SKIPPED,
  cancelled: NodeStatus.CANCELLED,
  paused: NodeStatus.PAUSED,
};

export function executionStatusFromProto(status: ExecutionStatus): DomainExecutionStatus | null {
  for (const [name, value] of Object.entries(executionStatusToProto)) {
    if (value === status) return name as DomainExecutionStatus;
  }
  return null;
}

export function executionToProto(execution: Execution, nodeRuns: NodeRun[] = []): ProtoExecution {
  return create(ExecutionSchema, {
    executionId: execution.executionId,
    workflowId: execution.workflowId,
    workflowVersion: execution.workflowVersion,
    status: executionStatusToProto[execution.status],
    communityId: BigInt(execution.communityId),
    entityId: BigInt(execution.entityId),
    triggeredBy: execution.triggeredBy,
    trigger: { ...execution.trigger },
    inputVariables: execution.inputVariables,
    createdAt: toTimestamp(execution.createdAt),
    startedAt: toTimestamp(execution.startedAt),
    completedAt: toTimestamp(execution.completedAt),
    durationMs: BigInt(Math.round(execution.durationMs ?? 0)),
    nodesExecuted: execution.nodesExecuted,
    totalNodes: execution.totalNodes,
    failedNodes: execution.failedNodes,
    errorReason: execution.errorReason ?? "",
    errorMessage: execution.errorMessage ?? "",
    errorNodeId: execution.errorNodeId ?? "",
    finalOutput: toValue(execution.finalOutput),
    finalVariables: execution.finalVariables,
    nodeRuns: nodeRuns.map(nodeRunToProto),
    success: execution.status === "completed",
    ...(execution.wait === null ? {} : { wait: executionWaitToProto(execution.wait) }),
  });
}

function executionWaitToProto(wait: ExecutionWait) {
  return {
    reason: wait.reason,
    nodeIds: wait.nodeIds,
    ...(wait.wakeAt === null ? {} : { wakeAt: toTimestamp(wait.wakeAt) }),
  };
}

export function nodeRunToProto(run: NodeRun): ProtoNodeRun {
  return create(NodeRunSchema, {
    nodeId: run.nodeId,
    nodeType: run.nodeType,
    status: nodeStatusToProto[run.status],
    attempt: run.attempt,
    startedAt: toTimestamp(run.startedAt),
    completedAt: toTimestamp(run.completedAt),
    durationMs: BigInt(Math.round(run.durationMs)),
    input: toValue(run.input),
    output: toValue(run.output),
    outputTruncated: run.outputTruncated,
    outputPort: run.outputPort ?? "",
    logs: run.logs.map((l) => ({ time: toTimestamp(l.time), message: l.message })),
    errorReason: run.errorReason ?? "",
    errorMessage: run.errorMessage ?? "",
    iterations: run.iterations,
    operations: run.operations,
    sequence: run.sequence,
    iterationPath: run.iterationPath,
    ...(run.simulatedRequest === null ? {} : { simulatedRequest: toValue(run.simulatedRequest) }),
  });
}

export function executionEventToProto(
  event: ExecutionEvent,
  sequence: bigint,
): ProtoExecutionEvent {
  if (event.kind === "node_run") {
    return create(ExecutionEventSchema, {
      sequence,
      time: toTimestamp(event.time),
      event: { case: "nodeRun", value: nodeRunToProto(event.nodeRun) },
    });
  }
  return create(ExecutionEventSchema, {
    sequence,
    time: toTimestamp(event.time),
    event: {
      case: "statusChange",
      value: {
        status: executionStatusToProto[event.status],
        errorReason: event.errorReason ?? "",
        errorMessage: event.errorMessage ?? "",
        ...(event.wait === undefined || event.wait === null
          ? {}
          : { wait: executionWaitToProto(event.wait) }),
        waitCleared: event.wait === null,
      },
    },
  });
}
