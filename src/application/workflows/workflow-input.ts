import { DomainError, type FieldViolation } from "../../domain/errors.js";
import type {
  WorkflowDefinition,
  WorkflowLimits,
} from "../../domain/workflow/workflow-definition.js";

/** Drafts may be incomplete, but never unrepresentable or unbounded. */
const workflowInputLimits = {
  nameLength: 200,
  descriptionLength: 5_000,
  tags: 50,
  tagLength: 64,
  nodes: 500,
  connections: 2_000,
  definitionBytes: 1_000_000,
} as const;

interface WorkflowTextInput {
  name: string;
  description: string;
  tags: string[];
}

export function checkText(input: WorkflowTextInput, violations: FieldViolation[]): void {
  const l = workflowInputLimits;
  if (hasNul(JSON.stringify([input.name, input.description, input.tags]))) {
    violations.push({ field: "metadata", description: "text contains a NUL character" });
  }
  if (input.name.trim() === "") {
    violations.push({ field: "metadata.name", description: "name is required" });
  } else if (input.name.length > l.nameLength) {
    violations.push({ field: "metadata.name", description: `name is longer than ${l.nameLength}` });
  }
  if (input.description.length > l.descriptionLength) {
    violations.push({
      field: "metadata.description",
      description: `description is longer than ${l.descriptionLength}`,
    });
  }
  if (input.tags.length > l.tags || input.tags.some((t) => t.length > l.tagLength)) {
    violations.push({
      field: "metadata.tags",
      description: `at most ${l.tags} tags of at most ${l.tagLength} characters`,
    });
  }
}

/**
 * Structural checks every stored definition must pass (ids present and unique, sizes bounded).
 * Semantic validation (node types, ports, cycles, configs) happens on validate and publish.
 */
export function checkDefinition(
  definition: WorkflowDefinition,
  violations: FieldViolation[],
): void {
  const l = workflowInputLimits;
  if (definition.nodes.length > l.nodes) {
    violations.push({ field: "nodes", description: `more than ${l.nodes} nodes` });
  }
  if (definition.connections.length > l.connections) {
    violations.push({
      field: "connections",
      description: `more than ${l.connections} connections`,
    });
  }
  checkUniqueIds(
    definition.nodes.map((n) => n.nodeId),
    "nodes",
    "node_id",
    violations,
  );
  checkUniqueIds(
    definition.connections.map((c) => c.connectionId),
    "connections",
    "connection_id",
    violations,
  );
  definition.nodes.forEach((node, i) => {
    if (node.nodeType.trim() === "") {
      violations.push({
        field: `nodes[${i}].node_type`,
        description: "node_type is required",
        nodeId: node.nodeId,
      });
    }
  });
  checkLimits(definition.limits, violations);
  const json = JSON.stringify(definition);
  if (hasNul(json)) {
    violations.push({ field: "nodes", description: "the definition contains a NUL character" });
  }
  if (json.length > l.definitionBytes) {
    violations.push({
      field: "nodes",
      description: `definition is larger than ${l.definitionBytes} bytes`,
    });
  }
}

function checkUniqueIds(
  ids: string[],
  list: string,
  field: string,
  violations: FieldViolation[],
): void {
  const seen = new Set<string>();
  ids.forEach((id, i) => {
    if (id.trim() === "") {
      violations.push({ field: `${list}[${i}].${field}`, description: `${field} is required` });
    } else if (seen.has(id)) {
      violations.push({
        field: `${list}[${i}].${field}`,
        description: `duplicate ${field} "${id}"`,
      });
    }
    seen.add(id);
  });
}

function checkLimits(limits: WorkflowLimits, violations: FieldViolation[]): void {
  for (const [key, value] of Object.entries(limits)) {
    if (value !== undefined && (!Number.isInteger(value) || value < 1)) {
      violations.push({
        field: `metadata.limits.${key}`,
        description: `${key} must be a positive integer`,
      });
    }
  }
}

/** NUL cannot be stored (PostgreSQL text and jsonb refuse it): inputs carrying one are refused. */
export function hasNul(json: string): boolean {
  return json.includes("\\u0000");
}

export function throwIfViolations(violations: FieldViolation[], message: string): void {
  if (violations.length > 0) throw DomainError.badRequest(message, violations);
}
