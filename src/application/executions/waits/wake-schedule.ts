import type { Clock } from "../../../domain/ports/clock.js";
import type { ExecutionRepository } from "../../../ports/execution-repository.js";
import type { Logger } from "../../../ports/logger.js";

/**
 * When the runner should next look for work because a parked run falls due. Runs this process
 * parks are noted at once; those parked by other processes are learnt from the database (one
 * index probe) at most once per poll interval, and whenever the known wake-up has passed (the
 * claim just took it, or must take it now). So a timer is resumed on time by the process that
 * parked it, and within a poll interval by any other when that one is gone.
 */
export class WakeSchedule {
  private nextMs = Number.POSITIVE_INFINITY;
  private checkedAtMs = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly executions: ExecutionRepository,
    private readonly clock: Clock,
    private readonly logger: Logger,
    private readonly pollMs: number,
  ) {}

  note(wakeAtMs: number): void {
    if (wakeAtMs < this.nextMs) this.nextMs = wakeAtMs;
  }

  /** How long the claim loop may sleep; `canClaim`: the runner has free slots. */
  async sleepMs(canClaim: boolean): Promise<number> {
    const now = this.clock.now();
    if (this.nextMs <= now || now - this.checkedAtMs >= this.pollMs) await this.refresh(now);
    if (this.nextMs <= now) return canClaim ? 1 : this.pollMs;
    return Math.max(1, Math.min(this.pollMs, this.nextMs - now));
  }

  private async refresh(now: number): Promise<void> {
    this.checkedAtMs = now;
    try {
      const next = await this.executions.nextWakeAt();
      this.nextMs = next === null ? Number.POSITIVE_INFINITY : next.getTime();
    } catch (error) {
      this.logger.error({ event_type: "ERROR", err: error }, "reading the next wake-up failed");
      this.nextMs = Number.POSITIVE_INFINITY;
    }
  }
}
