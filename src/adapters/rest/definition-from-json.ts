import { isJsonObject, type JsonObject, type JsonValue } from "../../domain/json.js";
import type {
  WorkflowConnection,
  WorkflowLimits,
  WorkflowNode,
} from "../../domain/workflow/workflow-definition.js";
import type { FieldReader } from "./json-fields.js";

/** Node keys that are not type-specific configuration. */
const commonNodeKeys = new Set([
  "node_id",
  "node_type",
  "label",
  "position",
  "enabled",
  "description",
  "config",
]);

/** Bookkeeping fields of the original module's node dicts; they carry no behaviour here. */
const droppedNodeKeys = new Set([
  "input_ports",
  "output_ports",
  "metadata",
  "created_at",
  "updated_at",
]);

/**
 * Nodes as a list (the contract) or as the original module's object keyed by node id. The
 * type-specific fields may sit inside `config` or at the top level of the node (the original
 * shape); both end up in `config`, and `config` wins where a key is in both.
 */
export function nodesFromJson(
  value: JsonValue | undefined,
  field: string,
  reader: FieldReader,
): WorkflowNode[] | undefined {
  if (value === undefined || value === null) return undefined;
  if (Array.isArray(value)) {
    return value.flatMap((item, i) => {
      const node = nodeFromJson(item, `${field}[${i}]`, undefined, reader);
      return node === null ? [] : [node];
    });
  }
  if (isJsonObject(value)) {
    return Object.entries(value).flatMap(([key, item]) => {
      const node = nodeFromJson(item, `${field}.${key}`, key, reader);
      return node === null ? [] : [node];
    });
  }
  reader.fail(field, `${field} must be a list of nodes or an object keyed by node id`);
  return undefined;
}

function nodeFromJson(
  value: JsonValue,
  field: string,
  keyId: string | undefined,
  reader: FieldReader,
): WorkflowNode | null {
  if (!isJsonObject(value)) {
    reader.fail(field, `${field} must be a JSON object`);
    return null;
  }
  const ownId = reader.string(value.node_id, `${field}.node_id`);
  if (keyId !== undefined && ownId !== undefined && ownId !== keyId) {
    reader.fail(`${field}.node_id`, `node_id "${ownId}" differs from its key "${keyId}"`);
  }
  const nodeId = ownId ?? keyId ?? "";
  const nodeType = reader.string(value.node_type, `${field}.node_type`);
  if (nodeType === undefined || nodeType.trim() === "") {
    reader.fail(`${field}.node_type`, "node_type is required");
  }
  const config: JsonObject = {};
  for (const [key, item] of Object.entries(value)) {
    if (!commonNodeKeys.has(key) && !droppedNodeKeys.has(key)) config[key] = item;
  }
  Object.assign(config, reader.object(value.config, `${field}.config`) ?? {});
  return {
    nodeId,
    nodeType: nodeType ?? "",
    label: reader.string(value.label, `${field}.label`) ?? "",
    position: positionFromJson(value.position, `${field}.position`, reader),
    enabled: reader.boolean(value.enabled, `${field}.enabled`) ?? true,
    description: reader.string(value.description, `${field}.description`) ?? "",
    config,
  };
}

function positionFromJson(
  value: JsonValue | undefined,
  field: string,
  reader: FieldReader,
): { x: number; y: number } {
  const position = reader.object(value, field);
  if (position === undefined) return { x: 0, y: 0 };
  return {
    x: reader.number(position.x, `${field}.x`) ?? 0,
    y: reader.number(position.y, `${field}.y`) ?? 0,
  };
}

/** Connections in the contract's snake_case shape; `to_port_name` defaults to "input". */
export function connectionsFromJson(
  value: JsonValue | undefined,
  field: string,
  reader: FieldReader,
): WorkflowConnection[] | undefined {
  if (value === undefined || value === null) return undefined;
  if (!Array.isArray(value)) {
    reader.fail(field, `${field} must be a list of connections`);
    return undefined;
  }
  return value.flatMap((item, i) => {
    const path = `${field}[${i}]`;
    if (!isJsonObject(item)) {
      reader.fail(path, `${path} must be a JSON object`);
      return [];
    }
    const toPort = reader.string(item.to_port_name, `${path}.to_port_name`);
    return [
      {
        connectionId: reader.string(item.connection_id, `${path}.connection_id`) ?? "",
        fromNodeId: reader.string(item.from_node_id, `${path}.from_node_id`) ?? "",
        fromPortName: reader.string(item.from_port_name, `${path}.from_port_name`) ?? "",
        toNodeId: reader.string(item.to_node_id, `${path}.to_node_id`) ?? "",
        toPortName: toPort === undefined || toPort === "" ? "input" : toPort,
        enabled: reader.boolean(item.enabled, `${path}.enabled`) ?? true,
      },
    ];
  });
}

const limitKeys = [
  ["timeout_seconds", "timeoutSeconds"],
  ["max_loop_iterations", "maxLoopIterations"],
  ["max_total_operations", "maxTotalOperations"],
  ["max_loop_depth", "maxLoopDepth"],
  ["max_parallel_nodes", "maxParallelNodes"],
] as const;

/** The contract's `metadata.limits` object. */
export function limitsFromJson(
  value: JsonValue | undefined,
  field: string,
  reader: FieldReader,
): WorkflowLimits | undefined {
  const object = reader.object(value, field);
  if (object === undefined) return undefined;
  const limits: WorkflowLimits = {};
  for (const [key, name] of limitKeys) {
    const n = reader.integer(object[key], `${field}.${key}`, 1);
    if (n !== undefined) limits[name] = n;
  }
  return limits;
}

/** The original module's flat limit fields (create: `max_execution_time_seconds`; update: `max_execution_time`, `max_iterations`). */
export function legacyLimitsFromJson(
  body: JsonObject,
  reader: FieldReader,
): WorkflowLimits | undefined {
  const limits: WorkflowLimits = {};
  for (const key of ["max_execution_time_seconds", "max_execution_time"]) {
    const n = reader.integer(body[key], key, 1);
    if (n !== undefined) limits.timeoutSeconds = n;
  }
  const iterations = reader.integer(body.max_iterations, "max_iterations", 1);
  if (iterations !== undefined) limits.maxLoopIterations = iterations;
  return Object.keys(limits).length > 0 ? limits : undefined;
}
