import { DomainError } from "../../domain/errors.js";
import type { Principal } from "../../domain/permissions/principal.js";
import type { Clock } from "../../domain/ports/clock.js";
import type { CommunityStop, CommunityStops } from "../../ports/community-stops.js";
import type { ExecutionRepository } from "../../ports/execution-repository.js";
import type { Logger } from "../../ports/logger.js";
import { requireAdmin } from "../api-keys/require-admin.js";
import { InputCheck } from "../input-limits/input-check.js";
import { inputLimits } from "../input-limits/input-limits.js";
import type { Auditor } from "../shared/audit.js";

export interface StopResult {
  stop: CommunityStop;
  /** Runs asked to cancel (their runners stop them; pending ones never start). */
  cancelledExecutionIds: string[];
}

/**
 * The community stop switch: an admin stops everything of one community at once (its runs are
 * cancelled, dispatch, webhooks, schedules and ExecuteWorkflow refused with COMMUNITY_STOPPED)
 * and lifts it again. Both are audited.
 */
export class CommunityStopSwitch {
  constructor(
    private readonly stops: CommunityStops,
    private readonly executions: ExecutionRepository,
    private readonly cancelLocal: (executionId: string) => Promise<boolean>,
    private readonly clock: Clock,
    private readonly auditor: Auditor,
    private readonly logger: Logger,
  ) {}

  async stop(principal: Principal, communityId: number, reason: string): Promise<StopResult> {
    await requireAdmin(principal, "stop_community", this.auditor);
    checkCommunity(communityId, reason);
    const now = new Date(this.clock.now());
    const audit = this.auditor.successEvent(
      principal,
      "stop_community",
      { communityId },
      { reason },
    );
    const stop = await this.stops.stop(
      { communityId, stoppedAt: now, stoppedBy: principal.userId, reason },
      audit,
    );
    this.auditor.recorded(audit);
    // The stop is stored first, so no new run can start while the running ones are cancelled.
    const ids = await this.stops.unfinishedExecutions(communityId);
    const cancelled: string[] = [];
    for (const id of ids) {
      if (!(await this.executions.requestCancel(id, now))) continue;
      cancelled.push(id);
      await this.cancelLocal(id).catch((error: unknown) => {
        this.logger.warn(
          { err: error, execution_id: id },
          "cancelling a run of a stopped community failed",
        );
      });
    }
    await this.auditor.success(
      principal,
      "stop_community_cancel_runs",
      { communityId },
      {
        cancelled: cancelled.length,
      },
    );
    return { stop, cancelledExecutionIds: cancelled };
  }

  async resume(principal: Principal, communityId: number): Promise<void> {
    await requireAdmin(principal, "resume_community", this.auditor);
    checkCommunity(communityId, "");
    const audit = this.auditor.successEvent(principal, "resume_community", { communityId });
    if (!(await this.stops.lift(communityId, audit))) {
      throw new DomainError(
        "failed_precondition",
        "FAILED_PRECONDITION",
        `community ${communityId} is not stopped`,
        { metadata: { community_id: String(communityId) } },
      );
    }
    this.auditor.recorded(audit);
  }

  async get(principal: Principal, communityId: number): Promise<CommunityStop | null> {
    await requireAdmin(principal, "get_community_stop", this.auditor);
    checkCommunity(communityId, "");
    return this.stops.get(communityId);
  }
}

function checkCommunity(communityId: number, reason: string): void {
  const check = new InputCheck();
  if (!Number.isSafeInteger(communityId) || communityId <= 0) {
    check.add("community_id", "community_id is required");
  }
  check.text(reason, "reason", inputLimits.text.reason);
  check.throwIfAny("invalid community stop request");
}
