import { DomainError } from "../../domain/errors.js";
import type { Principal } from "../../domain/permissions/principal.js";
import type { CommunityStop, CommunityStops } from "../../ports/community-stops.js";
import type { Auditor } from "../shared/audit.js";

/** Refuses to start anything in a stopped community (every way of starting a run asks here). */
export class StartGuard {
  constructor(
    private readonly stops: CommunityStops,
    private readonly auditor: Auditor,
  ) {}

  /** FAILED_PRECONDITION (COMMUNITY_STOPPED) naming who stopped it, when and why; audited. */
  async requireRunning(communityId: number, principal: Principal, action: string): Promise<void> {
    const stop = await this.stops.get(communityId);
    if (stop === null) return;
    await this.auditor.failure(
      principal,
      action,
      { communityId },
      { refused: "community_stopped" },
    );
    throw stoppedError(stop);
  }

  /** The stop of a community, for starters without a caller (schedules, webhooks). */
  stopOf(communityId: number): Promise<CommunityStop | null> {
    return this.stops.get(communityId);
  }
}

export function stoppedError(stop: CommunityStop): DomainError {
  return new DomainError(
    "failed_precondition",
    "COMMUNITY_STOPPED",
    `community ${stop.communityId} was stopped by ${stop.stoppedBy} at ${stop.stoppedAt.toISOString()}: ${stop.reason}; an admin lifts it with ResumeCommunity`,
    {
      metadata: {
        community_id: String(stop.communityId),
        stopped_by: stop.stoppedBy,
        stopped_at: stop.stoppedAt.toISOString(),
      },
    },
  );
}
