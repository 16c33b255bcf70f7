import type { ServiceImpl } from "@connectrpc/connect";
import type { WorkflowUseCases } from "../../../application/workflow-use-cases.js";
import type { TriggerService } from "../../../gen/waddlebot/workflow/v1/trigger_service_pb.js";
import type { CommunityStop } from "../../../ports/community-stops.js";
import { principalOf } from "../context-keys.js";
import { chatEventFromProto, dispatchResultToProto } from "../mappers/dispatch-to-proto.js";
import { toSafeNumber, toTimestamp } from "../mappers/proto-scalars.js";
import { scheduleToProto } from "../mappers/schedule-to-proto.js";

export function triggerServiceHandlers(
  useCases: WorkflowUseCases,
): ServiceImpl<typeof TriggerService> {
  return {
    async dispatchChatEvent(req, ctx) {
      const result = await useCases.dispatchChatEvent.execute(
        principalOf(ctx),
        chatEventFromProto(req.event),
      );
      return dispatchResultToProto(result);
    },

    async stopCommunity(req, ctx) {
      const result = await useCases.communityStops.stop(
        principalOf(ctx),
        toSafeNumber(req.communityId, "community_id"),
        req.reason,
      );
      return {
        stop: stopToProto(result.stop),
        cancelledExecutionIds: result.cancelledExecutionIds,
      };
    },

    async resumeCommunity(req, ctx) {
      await useCases.communityStops.resume(
        principalOf(ctx),
        toSafeNumber(req.communityId, "community_id"),
      );
      return {};
    },

    async listWebhooks(req, ctx) {
      const list = await useCases.webhooks.list(principalOf(ctx), req.workflowId);
      return {
        webhooks: list.map(({ hook, secrets }) => ({
          hookId: hook.hookId,
          path: `/hooks/${hook.hookId}`,
          workflowId: hook.workflowId,
          nodeId: hook.nodeId,
          workflowVersion: hook.workflowVersion,
          webhookPath: hook.config.webhookPath,
          requireSignature: hook.config.requireAuth || hook.config.requireSignature,
          secrets: secrets.map((s) => ({
            secretId: s.secretId,
            createdAt: toTimestamp(s.createdAt),
            expiresAt: toTimestamp(s.expiresAt),
          })),
        })),
      };
    },

    async rotateWebhookSecret(req, ctx) {
      const rotated = await useCases.webhooks.rotateSecret(
        principalOf(ctx),
        req.hookId,
        req.overlapSeconds,
      );
      return {
        secretId: rotated.secretId,
        secret: rotated.secret,
        previousExpireAt: toTimestamp(rotated.previousExpireAt),
      };
    },

    async listSchedules(req, ctx) {
      const list = await useCases.listSchedules.execute(principalOf(ctx), req.workflowId);
      return { schedules: list.map(scheduleToProto) };
    },

    async getCommunityStop(req, ctx) {
      const stop = await useCases.communityStops.get(
        principalOf(ctx),
        toSafeNumber(req.communityId, "community_id"),
      );
      return stop === null ? {} : { stop: stopToProto(stop) };
    },
  };
}

function stopToProto(stop: CommunityStop) {
  return {
    communityId: BigInt(stop.communityId),
    stoppedAt: toTimestamp(stop.stoppedAt),
    stoppedBy: stop.stoppedBy,
    reason: stop.reason,
  };
}
