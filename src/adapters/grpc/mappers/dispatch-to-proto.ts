import type { MessageInitShape } from "@bufbuild/protobuf";
import type { DispatchResult } from "../../../application/triggers/dispatch-outcome.js";
import type { ChatEvent } from "../../../domain/triggers/chat-event.js";
import type {
  DispatchChatEventResponseSchema,
  ChatEvent as ProtoChatEvent,
} from "../../../gen/waddlebot/workflow/v1/trigger_service_pb.js";
import { toSafeNumber } from "./proto-scalars.js";

export function chatEventFromProto(event: ProtoChatEvent | undefined): ChatEvent {
  return {
    eventId: event?.eventId ?? "",
    platform: event?.platform ?? "",
    communityId: toSafeNumber(event?.communityId ?? 0n, "event.community_id"),
    channelId: event?.channelId ?? "",
    eventType: event?.eventType ?? "",
    user: {
      id: event?.user?.id ?? "",
      name: event?.user?.name ?? "",
      roles: event?.user?.roles ?? [],
      permissions: event?.user?.permissions ?? [],
    },
    message: event?.message ?? "",
    data: event?.data ?? {},
  };
}

export function dispatchResultToProto(
  result: DispatchResult,
): MessageInitShape<typeof DispatchChatEventResponseSchema> {
  return {
    eventId: result.eventId,
    duplicate: result.duplicate,
    outcomes: result.outcomes.map(({ workflowId, nodeId, outcome }) => ({
      workflowId,
      nodeId,
      outcome: { outcome: outcomeToProto(outcome) },
    })),
  };
}

function outcomeToProto(outcome: DispatchResult["outcomes"][number]["outcome"]) {
  switch (outcome.kind) {
    case "started":
      return { case: "started" as const, value: { executionId: outcome.executionId } };
    case "cooldown":
      return {
        case: "cooldown" as const,
        value: {
          remainingMs: BigInt(outcome.remainingMs),
          scope: outcome.scope,
          replyExecutionId: outcome.replyExecutionId ?? "",
        },
      };
    case "denied":
      return { case: "denied" as const, value: { reason: outcome.reason, detail: outcome.detail } };
    case "limited":
      return {
        case: "limited" as const,
        value: { retryAfterMs: BigInt(outcome.retryAfterMs), scope: outcome.scope },
      };
    case "no_match":
      return { case: "noMatch" as const, value: { detail: outcome.detail } };
  }
}
