import type { JsonObject } from "../../domain/json.js";
import type { Workflow } from "../../domain/workflow/workflow.js";
import type {
  WorkflowConnection,
  WorkflowLimits,
  WorkflowNode,
} from "../../domain/workflow/workflow-definition.js";
import { isoTime } from "./iso-time.js";

/**
 * A workflow as the REST API shows it: the original module's flat fields (W3: name,
 * community_id, status, version, is_active...) beside the contract's `metadata` object, so
 * clients of either shape find what they read. Nodes are a list in the contract's shape.
 */
export function workflowToJson(workflow: Workflow): JsonObject {
  const d = workflow.definition;
  return {
    ...workflowSummaryToJson(workflow),
    metadata: {
      name: workflow.name,
      description: workflow.description,
      community_id: workflow.communityId,
      entity_id: workflow.entityId,
      status: workflow.status,
      version: workflow.version,
      limits: limitsToJson(d.limits),
      tags: workflow.tags,
    },
    global_variables: d.globalVariables,
    nodes: d.nodes.map(nodeToJson),
    connections: d.connections.map(connectionToJson),
  };
}

/** One row of the workflow list (W2): everything but the definition. */
export function workflowSummaryToJson(workflow: Workflow): JsonObject {
  return {
    workflow_id: workflow.workflowId,
    name: workflow.name,
    description: workflow.description,
    community_id: workflow.communityId,
    entity_id: workflow.entityId,
    tags: workflow.tags,
    status: workflow.status,
    is_active: workflow.status === "published",
    version: workflow.version,
    published_version: workflow.publishedVersion,
    owner_user_id: workflow.ownerUserId,
    created_at: isoTime(workflow.createdAt),
    updated_at: isoTime(workflow.updatedAt),
    published_at: isoTime(workflow.publishedAt),
  };
}

function nodeToJson(node: WorkflowNode): JsonObject {
  return {
    node_id: node.nodeId,
    node_type: node.nodeType,
    label: node.label,
    position: { x: node.position.x, y: node.position.y },
    enabled: node.enabled,
    description: node.description,
    config: node.config,
  };
}

function connectionToJson(connection: WorkflowConnection): JsonObject {
  return {
    connection_id: connection.connectionId,
    from_node_id: connection.fromNodeId,
    from_port_name: connection.fromPortName,
    to_node_id: connection.toNodeId,
    to_port_name: connection.toPortName,
    enabled: connection.enabled,
  };
}

function limitsToJson(limits: WorkflowLimits): JsonObject {
  const json: JsonObject = {};
  if (limits.timeoutSeconds !== undefined) json.timeout_seconds = limits.timeoutSeconds;
  if (limits.maxLoopIterations !== undefined) json.max_loop_iterations = limits.maxLoopIterations;
  if (limits.maxTotalOperations !== undefined) {
    json.max_total_operations = limits.maxTotalOperations;
  }
  if (limits.maxLoopDepth !== undefined) json.max_loop_depth = limits.maxLoopDepth;
  if (limits.maxParallelNodes !== undefined) json.max_parallel_nodes = limits.maxParallelNodes;
  return json;
}
