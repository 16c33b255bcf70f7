import type { ExecuteWorkflowInput } from "../../application/executions/execute-workflow.js";
import type { TestWorkflowInput } from "../../application/executions/test-workflow.js";
import type { TriggerInfo } from "../../domain/execution/execution.js";
import type { JsonObject, JsonValue } from "../../domain/json.js";
import { FieldReader } from "./json-fields.js";

/**
 * POST /workflows/:id/execute. The original body (`community_id`, `variables`,
 * `metadata{trigger_source, session_id}`) plus `trigger_node_id`, `platform`, `trigger_data`,
 * the contract's `trigger{...}` object, and an idempotency key from the body or the
 * `Idempotency-Key` header (both present must agree).
 */
export function executeInputFromJson(
  workflowId: string,
  body: JsonObject,
  idempotencyHeader: string | undefined,
): ExecuteWorkflowInput {
  const reader = new FieldReader();
  const input = readExecuteInput(workflowId, body, idempotencyHeader, reader);
  reader.throwIfAny("invalid execute request");
  return input;
}

/** POST /workflows/:id/test: the execute body plus `node_mocks{node_id: output}` and `version`. */
export function testInputFromJson(workflowId: string, body: JsonObject): TestWorkflowInput {
  const reader = new FieldReader();
  const input: TestWorkflowInput = {
    ...readExecuteInput(workflowId, body, undefined, reader),
    idempotencyKey: "",
    mocks: reader.object(body.node_mocks, "node_mocks") ?? {},
  };
  const version = reader.integer(body.version, "version", 1);
  if (version !== undefined) input.version = version;
  reader.throwIfAny("invalid test request");
  return input;
}

function readExecuteInput(
  workflowId: string,
  body: JsonObject,
  idempotencyHeader: string | undefined,
  reader: FieldReader,
): ExecuteWorkflowInput {
  const communityId = reader.integer(body.community_id, "community_id", 1);
  if (body.community_id === undefined || body.community_id === null) {
    reader.fail("community_id", "community_id is required");
  }
  const bodyKey = reader.string(body.idempotency_key, "idempotency_key");
  const headerKey = idempotencyHeader?.trim() || undefined;
  if (bodyKey !== undefined && headerKey !== undefined && bodyKey !== headerKey) {
    reader.fail("idempotency_key", "idempotency_key differs from the Idempotency-Key header");
  }
  return {
    workflowId,
    communityId: communityId ?? 0,
    variables: reader.object(body.variables, "variables") ?? {},
    trigger: triggerFromJson(body, reader),
    idempotencyKey: headerKey ?? bodyKey ?? "",
  };
}

/** Flat fields outrank the contract's `trigger` object. */
function triggerFromJson(body: JsonObject, reader: FieldReader): Partial<TriggerInfo> {
  const trigger = reader.object(body.trigger, "trigger") ?? {};
  const metadata = reader.object(body.metadata, "metadata") ?? {};
  type Field = [JsonValue | undefined, string];
  const text = (flat: Field, nested: Field) => reader.string(...flat) ?? reader.string(...nested);
  const result: Partial<TriggerInfo> = {};
  const triggerNodeId = text(
    [body.trigger_node_id, "trigger_node_id"],
    [trigger.trigger_node_id, "trigger.trigger_node_id"],
  );
  if (triggerNodeId !== undefined) result.triggerNodeId = triggerNodeId;
  const triggerSource = text(
    [metadata.trigger_source, "metadata.trigger_source"],
    [trigger.trigger_source, "trigger.trigger_source"],
  );
  if (triggerSource !== undefined) result.triggerSource = triggerSource;
  const sessionId = text(
    [metadata.session_id, "metadata.session_id"],
    [trigger.session_id, "trigger.session_id"],
  );
  if (sessionId !== undefined) result.sessionId = sessionId;
  const platform = text([body.platform, "platform"], [trigger.platform, "trigger.platform"]);
  if (platform !== undefined) result.platform = platform;
  const data =
    reader.object(body.trigger_data, "trigger_data") ?? reader.object(trigger.data, "trigger.data");
  if (data !== undefined) result.data = data;
  return result;
}
