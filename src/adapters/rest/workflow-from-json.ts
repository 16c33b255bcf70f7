import type { CreateWorkflowInput } from "../../application/workflows/create-workflow.js";
import type { UpdateWorkflowInput } from "../../application/workflows/update-workflow.js";
import { DomainError } from "../../domain/errors.js";
import type { JsonObject, JsonValue } from "../../domain/json.js";
import type { WorkflowLimits } from "../../domain/workflow/workflow-definition.js";
import {
  connectionsFromJson,
  legacyLimitsFromJson,
  limitsFromJson,
  nodesFromJson,
} from "./definition-from-json.js";
import { FieldReader } from "./json-fields.js";

/**
 * A field of either body shape: the contract's (`metadata.name`) or the original module's
 * flat one (`name`). `metadata` wins when both are present.
 */
function metadataField(
  body: JsonObject,
  metadata: JsonObject | undefined,
  key: string,
): [JsonValue | undefined, string] {
  return metadata?.[key] !== undefined ? [metadata[key], `metadata.${key}`] : [body[key], key];
}

/** POST /api/v1/workflows, in the contract's shape or the original module's flat shape. */
export function createWorkflowFromJson(body: JsonObject): CreateWorkflowInput {
  const reader = new FieldReader();
  const metadata = reader.object(body.metadata, "metadata");
  const field = (key: string) => metadataField(body, metadata, key);

  const [nameValue, nameField] = field("name");
  const name = reader.string(nameValue, nameField);
  const blank = typeof nameValue === "string" && nameValue.trim() === "";
  if (nameValue === undefined || nameValue === null || blank) {
    reader.fail(nameField, "name is required");
  }
  const [communityValue, communityField] = field("community_id");
  const communityId = reader.integer(communityValue, communityField, 1);
  if (communityValue === undefined || communityValue === null) {
    reader.fail(communityField, "community_id is required");
  }
  const limits = mergeLimits(
    legacyLimitsFromJson(body, reader),
    limitsFromJson(...field("limits"), reader),
  );
  const input: CreateWorkflowInput = {
    name: name ?? "",
    description: reader.string(...field("description")) ?? "",
    communityId: communityId ?? 0,
    entityId: reader.integer(...field("entity_id"), 0) ?? 0,
    tags: reader.stringList(...field("tags")) ?? [],
    definition: {
      globalVariables: reader.object(body.global_variables, "global_variables") ?? {},
      nodes: nodesFromJson(body.nodes, "nodes", reader) ?? [],
      connections: connectionsFromJson(body.connections, "connections", reader) ?? [],
      limits: limits ?? {},
    },
  };
  reader.throwIfAny("invalid workflow");
  return input;
}

const updatableFields = [
  "name",
  "description",
  "tags",
  "nodes",
  "connections",
  "global_variables",
  "limits",
  "max_execution_time",
  "max_iterations",
] as const;

/**
 * PUT /api/v1/workflows/:id: only the fields present change. The contract's `limits` replaces
 * every limit; the original's flat limit fields change one limit each (merged with the stored
 * ones by the use case). Fields the original accepted but this service has no use for
 * (trigger_type, trigger_config, retry_config, community_id) are ignored; a body with nothing
 * to change is a BAD_REQUEST.
 */
export function updateWorkflowFromJson(workflowId: string, body: JsonObject): UpdateWorkflowInput {
  const reader = new FieldReader();
  const metadata = reader.object(body.metadata, "metadata");
  const field = (key: string) => metadataField(body, metadata, key);
  const input: UpdateWorkflowInput = { workflowId };

  const expectedVersion = reader.integer(body.expected_version, "expected_version", 1);
  if (expectedVersion !== undefined) input.expectedVersion = expectedVersion;
  const name = reader.string(...field("name"));
  if (name !== undefined) input.name = name;
  const description = reader.string(...field("description"));
  if (description !== undefined) input.description = description;
  const tags = reader.stringList(...field("tags"));
  if (tags !== undefined) input.tags = tags;
  const globalVariables = reader.object(body.global_variables, "global_variables");
  if (globalVariables !== undefined) input.globalVariables = globalVariables;
  const nodes = nodesFromJson(body.nodes, "nodes", reader);
  if (nodes !== undefined) input.nodes = nodes;
  const connections = connectionsFromJson(body.connections, "connections", reader);
  if (connections !== undefined) input.connections = connections;
  const limits = limitsFromJson(...field("limits"), reader);
  const legacy = legacyLimitsFromJson(body, reader);
  if (limits !== undefined) input.limits = mergeLimits(legacy, limits);
  else if (legacy !== undefined) input.limitChanges = legacy;
  reader.throwIfAny("invalid workflow update");

  const changes = Object.keys(input).filter((k) => k !== "workflowId" && k !== "expectedVersion");
  if (changes.length === 0) {
    throw DomainError.badRequest(
      `nothing to update: send at least one of ${updatableFields.join(", ")}`,
      [{ field: "body", description: `no updatable field (${updatableFields.join(", ")})` }],
    );
  }
  return input;
}

/** The contract's `limits` outrank the original's flat limit fields. */
function mergeLimits(
  legacy: WorkflowLimits | undefined,
  limits: WorkflowLimits | undefined,
): WorkflowLimits | undefined {
  if (legacy === undefined && limits === undefined) return undefined;
  return { ...legacy, ...limits };
}
