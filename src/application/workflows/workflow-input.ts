import type {
  WorkflowConnection,
  WorkflowDefinition,
  WorkflowLimits,
  WorkflowNode,
} from "../../domain/workflow/workflow-definition.js";
import type { InputCheck } from "../input-limits/input-check.js";
import { inputLimits } from "../input-limits/input-limits.js";

interface WorkflowTextInput {
  name: string;
  description: string;
  tags: string[];
}

export function checkText(input: WorkflowTextInput, check: InputCheck): void {
  const { text, list } = inputLimits;
  if (input.name.trim() === "") check.add("metadata.name", "name is required");
  else check.text(input.name, "metadata.name", text.workflowName);
  check.text(input.description, "metadata.description", text.description);
  check.texts(input.tags, "metadata.tags", list.tags, text.tag);
}

/**
 * Checks every stored definition must pass: drafts may be incomplete, but never unrepresentable
 * or unbounded (input limits, ids present and unique). Semantic validation (node types, ports,
 * cycles, configs) happens on validate and publish.
 */
export function checkDefinition(definition: WorkflowDefinition, check: InputCheck): void {
  const { list, size } = inputLimits;
  let serialisable = check.json(definition.globalVariables, "global_variables");
  check.count(definition.nodes.length, "nodes", list.nodes);
  check.count(definition.connections.length, "connections", list.connections);
  definition.nodes.forEach((node, i) => {
    serialisable = checkNode(node, `nodes[${i}]`, check) && serialisable;
  });
  definition.connections.forEach((connection, i) => {
    checkConnection(connection, `connections[${i}]`, check);
  });
  checkUniqueIds(
    definition.nodes.map((n) => n.nodeId),
    "nodes",
    "node_id",
    check,
  );
  checkUniqueIds(
    definition.connections.map((c) => c.connectionId),
    "connections",
    "connection_id",
    check,
  );
  definition.nodes.forEach((node, i) => {
    if (node.nodeType.trim() === "") {
      check.add(`nodes[${i}].node_type`, "node_type is required", node.nodeId);
    }
  });
  checkLimits(definition.limits, check);
  // Only a definition whose JSON passed can be serialised without overflowing the stack.
  if (serialisable && JSON.stringify(definition).length > size.definition) {
    check.add("nodes", `definition is larger than ${size.definition} bytes`);
  }
}

/** Node texts and numbers; true when its config can be stored. */
function checkNode(node: WorkflowNode, at: string, check: InputCheck): boolean {
  const { text } = inputLimits;
  const nodeId = check.id(node.nodeId, `${at}.node_id`) ? node.nodeId : undefined;
  check.id(node.nodeType, `${at}.node_type`, nodeId);
  check.text(node.label, `${at}.label`, text.nodeLabel, nodeId);
  check.text(node.description, `${at}.description`, text.description, nodeId);
  check.finite(node.position.x, `${at}.position.x`, nodeId);
  check.finite(node.position.y, `${at}.position.y`, nodeId);
  return check.json(node.config, `${at}.config`, nodeId);
}

function checkConnection(connection: WorkflowConnection, at: string, check: InputCheck): void {
  check.id(connection.connectionId, `${at}.connection_id`);
  check.id(connection.fromNodeId, `${at}.from_node_id`);
  check.id(connection.fromPortName, `${at}.from_port_name`);
  check.id(connection.toNodeId, `${at}.to_node_id`);
  check.id(connection.toPortName, `${at}.to_port_name`);
}

function checkUniqueIds(ids: string[], list: string, field: string, check: InputCheck): void {
  const seen = new Set<string>();
  ids.forEach((id, i) => {
    if (id.trim() === "") {
      check.add(`${list}[${i}].${field}`, `${field} is required`);
    } else if (seen.has(id)) {
      check.add(`${list}[${i}].${field}`, `duplicate ${field} "${id}"`);
    }
    seen.add(id);
  });
}

const limitFields: Readonly<Record<keyof WorkflowLimits, string>> = {
  timeoutSeconds: "timeout_seconds",
  maxLoopIterations: "max_loop_iterations",
  maxTotalOperations: "max_total_operations",
  maxLoopDepth: "max_loop_depth",
  maxParallelNodes: "max_parallel_nodes",
};

function checkLimits(limits: WorkflowLimits, check: InputCheck): void {
  for (const [key, field] of Object.entries(limitFields) as [keyof WorkflowLimits, string][]) {
    check.int32(limits[key], `metadata.limits.${field}`, 1);
  }
}
