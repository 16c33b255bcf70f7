import { create } from "@bufbuild/protobuf";
import type { Workflow } from "../../../domain/workflow/workflow.js";
import type { WorkflowLimits } from "../../../domain/workflow/workflow-definition.js";
import {
  ConnectionSchema,
  NodeSchema,
  type Workflow as ProtoWorkflow,
  WorkflowLimitsSchema,
  WorkflowMetadataSchema,
  WorkflowSchema,
  WorkflowStatus,
} from "../../../gen/waddlebot/workflow/v1/workflow_pb.js";
import type { WorkflowExecutionStats } from "../../../ports/workflow-repository.js";
import { toTimestamp } from "./proto-scalars.js";
import { executionStatsToProto } from "./workflow-list-to-proto.js";

const statusToProto = {
  draft: WorkflowStatus.DRAFT,
  published: WorkflowStatus.PUBLISHED,
  archived: WorkflowStatus.ARCHIVED,
} as const;

/** A workflow; ListWorkflows' items also carry `executionStats`, mapped to `execution_stats`. */
export function workflowToProto(
  workflow: Workflow & { executionStats?: WorkflowExecutionStats },
): ProtoWorkflow {
  const d = workflow.definition;
  return create(WorkflowSchema, {
    workflowId: workflow.workflowId,
    metadata: create(WorkflowMetadataSchema, {
      name: workflow.name,
      description: workflow.description,
      communityId: BigInt(workflow.communityId),
      entityId: BigInt(workflow.entityId),
      status: statusToProto[workflow.status],
      version: workflow.version,
      limits: limitsToProto(d.limits),
      tags: workflow.tags,
    }),
    globalVariables: d.globalVariables,
    nodes: d.nodes.map((n) =>
      create(NodeSchema, {
        nodeId: n.nodeId,
        nodeType: n.nodeType,
        label: n.label,
        position: { x: n.position.x, y: n.position.y },
        enabled: n.enabled,
        description: n.description,
        config: n.config,
      }),
    ),
    connections: d.connections.map((c) =>
      create(ConnectionSchema, {
        connectionId: c.connectionId,
        fromNodeId: c.fromNodeId,
        fromPortName: c.fromPortName,
        toNodeId: c.toNodeId,
        toPortName: c.toPortName,
        enabled: c.enabled,
      }),
    ),
    ownerUserId: workflow.ownerUserId,
    createdAt: toTimestamp(workflow.createdAt),
    updatedAt: toTimestamp(workflow.updatedAt),
    ...(workflow.publishedVersion === null ? {} : { publishedVersion: workflow.publishedVersion }),
    publishedAt: toTimestamp(workflow.publishedAt),
    executionStats: executionStatsToProto(workflow.executionStats),
  });
}

function limitsToProto(limits: WorkflowLimits) {
  return create(WorkflowLimitsSchema, limits);
}
