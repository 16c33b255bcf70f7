import type { WorkflowUseCases } from "../../../application/workflow-use-cases.js";
import { DomainError } from "../../../domain/errors.js";
import {
  chatEventFromJson,
  communityStopToJson,
  dispatchResultToJson,
} from "../chat-event-json.js";
import { ok } from "../envelope.js";
import { FieldReader } from "../json-fields.js";
import type { RouteDefinition } from "../route.js";

/** Chat event dispatch for the router, and the community stop switch for admins. */
export function triggerRoutes(useCases: WorkflowUseCases): RouteDefinition[] {
  return [
    {
      method: "POST",
      path: "/api/v1/triggers/chat-events",
      route: {
        auth: true,
        async handle(ctx, principal) {
          const event = chatEventFromJson(await ctx.body());
          const result = await useCases.dispatchChatEvent.execute(principal, event);
          return ok(dispatchResultToJson(result));
        },
      },
    },
    {
      method: "POST",
      path: "/api/v1/communities/:community_id/stop",
      route: {
        auth: true,
        async handle(ctx, principal) {
          const body = await ctx.body();
          const reader = new FieldReader();
          const reason = reader.string(body.reason, "reason") ?? "";
          reader.throwIfAny("invalid stop request");
          const result = await useCases.communityStops.stop(
            principal,
            communityIdOf(ctx.params.community_id),
            reason,
          );
          return ok({
            stop: communityStopToJson(result.stop),
            cancelled_execution_ids: result.cancelledExecutionIds,
          });
        },
      },
    },
    {
      method: "POST",
      path: "/api/v1/communities/:community_id/resume",
      route: {
        auth: true,
        async handle(ctx, principal) {
          const communityId = communityIdOf(ctx.params.community_id);
          await useCases.communityStops.resume(principal, communityId);
          return ok({ community_id: communityId, stopped: false });
        },
      },
    },
    {
      method: "GET",
      path: "/api/v1/communities/:community_id/stop",
      route: {
        auth: true,
        async handle(ctx, principal) {
          const communityId = communityIdOf(ctx.params.community_id);
          const stop = await useCases.communityStops.get(principal, communityId);
          return ok({
            community_id: communityId,
            stopped: stop !== null,
            stop: stop === null ? null : communityStopToJson(stop),
          });
        },
      },
    },
  ];
}

function communityIdOf(raw: string | undefined): number {
  const value = raw !== undefined && /^\d{1,16}$/.test(raw) ? Number(raw) : Number.NaN;
  if (!Number.isSafeInteger(value) || value <= 0) {
    throw DomainError.badRequest("community_id is malformed", [
      { field: "community_id", description: "community_id must be a positive integer" },
    ]);
  }
  return value;
}
