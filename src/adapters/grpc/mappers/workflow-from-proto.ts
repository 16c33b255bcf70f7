import { DomainError } from "../../../domain/errors.js";
import type { JsonObject } from "../../../domain/json.js";
import type { WorkflowStatus } from "../../../domain/workflow/workflow.js";
import type {
  WorkflowConnection,
  WorkflowLimits,
  WorkflowNode,
} from "../../../domain/workflow/workflow-definition.js";
import {
  type Connection,
  type Node,
  type WorkflowLimits as ProtoLimits,
  WorkflowStatus as ProtoStatus,
} from "../../../gen/waddlebot/workflow/v1/workflow_pb.js";

export function nodesFromProto(nodes: Node[]): WorkflowNode[] {
  return nodes.map((n) => ({
    nodeId: n.nodeId,
    nodeType: n.nodeType,
    label: n.label,
    position: { x: n.position?.x ?? 0, y: n.position?.y ?? 0 },
    enabled: n.enabled ?? true,
    description: n.description,
    config: (n.config ?? {}) as JsonObject,
  }));
}

export function connectionsFromProto(connections: Connection[]): WorkflowConnection[] {
  return connections.map((c) => ({
    connectionId: c.connectionId,
    fromNodeId: c.fromNodeId,
    fromPortName: c.fromPortName,
    toNodeId: c.toNodeId,
    toPortName: c.toPortName === "" ? "input" : c.toPortName,
    enabled: c.enabled ?? true,
  }));
}

export function limitsFromProto(limits: ProtoLimits | undefined): WorkflowLimits {
  const result: WorkflowLimits = {};
  if (limits?.timeoutSeconds !== undefined) result.timeoutSeconds = limits.timeoutSeconds;
  if (limits?.maxLoopIterations !== undefined) result.maxLoopIterations = limits.maxLoopIterations;
  if (limits?.maxTotalOperations !== undefined)
    result.maxTotalOperations = limits.maxTotalOperations;
  if (limits?.maxLoopDepth !== undefined) result.maxLoopDepth = limits.maxLoopDepth;
  if (limits?.maxParallelNodes !== undefined) result.maxParallelNodes = limits.maxParallelNodes;
  return result;
}

/** A list filter: UNSPECIFIED is no filter; an unknown value is refused, as REST refuses one. */
export function statusFromProto(status: ProtoStatus): WorkflowStatus | undefined {
  switch (status) {
    case ProtoStatus.UNSPECIFIED:
      return undefined;
    case ProtoStatus.DRAFT:
      return "draft";
    case ProtoStatus.PUBLISHED:
      return "published";
    case ProtoStatus.ARCHIVED:
      return "archived";
    default:
      throw DomainError.badRequest("unknown status filter", [
        { field: "status", description: `unknown workflow status ${status}` },
      ]);
  }
}
