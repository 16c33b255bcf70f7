import type { DispatchResult } from "../../application/triggers/dispatch-outcome.js";
import type { JsonObject, JsonValue } from "../../domain/json.js";
import type { ChatEvent } from "../../domain/triggers/chat-event.js";
import type { CommunityStop } from "../../ports/community-stops.js";
import { isoTime } from "./iso-time.js";
import { FieldReader } from "./json-fields.js";

/**
 * POST /api/v1/triggers/chat-events: `{event_id, platform, community_id, channel_id,
 * event_type, user: {id, name, roles, permissions}, message, data}` (the contract's ChatEvent);
 * `{event: {...}}` is accepted too. Types are checked here, limits by the use case.
 */
export function chatEventFromJson(body: JsonObject): ChatEvent {
  const reader = new FieldReader();
  const raw = reader.object(body.event, "event") ?? body;
  const user = reader.object(raw.user, "user") ?? {};
  const event: ChatEvent = {
    eventId: reader.string(raw.event_id, "event_id") ?? "",
    platform: reader.string(raw.platform, "platform") ?? "",
    communityId: reader.integer(raw.community_id, "community_id", 1) ?? 0,
    channelId: reader.string(raw.channel_id, "channel_id") ?? "",
    eventType: reader.string(raw.event_type, "event_type") ?? "",
    user: {
      id: reader.string(user.id, "user.id") ?? "",
      name: reader.string(user.name, "user.name") ?? "",
      roles: reader.stringList(user.roles, "user.roles") ?? [],
      permissions: reader.stringList(user.permissions, "user.permissions") ?? [],
    },
    message: reader.string(raw.message, "message") ?? "",
    data: reader.object(raw.data, "data") ?? {},
  };
  reader.throwIfAny("invalid chat event");
  return event;
}

export function dispatchResultToJson(result: DispatchResult): JsonObject {
  return {
    event_id: result.eventId,
    duplicate: result.duplicate,
    outcomes: result.outcomes.map(({ workflowId, nodeId, outcome }) => {
      const fields: JsonObject = {
        workflow_id: workflowId,
        node_id: nodeId,
        outcome: outcome.kind,
      };
      switch (outcome.kind) {
        case "started":
          fields.execution_id = outcome.executionId;
          break;
        case "cooldown":
          fields.remaining_ms = outcome.remainingMs;
          fields.scope = outcome.scope;
          fields.reply_execution_id = outcome.replyExecutionId;
          break;
        case "denied":
          fields.reason = outcome.reason;
          fields.detail = outcome.detail;
          break;
        case "limited":
          fields.retry_after_ms = outcome.retryAfterMs;
          fields.scope = outcome.scope;
          break;
        case "no_match":
          fields.detail = outcome.detail;
          break;
      }
      return fields;
    }) as JsonValue[],
  };
}

export function communityStopToJson(stop: CommunityStop): JsonObject {
  return {
    community_id: stop.communityId,
    stopped_at: isoTime(stop.stoppedAt),
    stopped_by: stop.stoppedBy,
    reason: stop.reason,
  };
}
