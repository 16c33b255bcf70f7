/**
 * What the runner's next claim should take. Whatever is claimable, when that may be anything:
 * at start, at each poll interval, when woken for other processes' work, or while work may be
 * waiting that earlier claims left (the last claim filled every free slot, or the runner was
 * full when work arrived). Otherwise only the executions this process acknowledged (PostgreSQL):
 * claiming its own work, a process does not race the others for theirs and find nothing, and a
 * finished run does not trigger a claim that finds nothing.
 */
export class ClaimDemand {
  private backlog = true;
  private general = true;
  private acknowledged: string[] = [];

  /** Anything claimable may be waiting. */
  anything(): void {
    this.general = true;
  }

  /** Work arrived while every slot was taken. */
  full(): void {
    this.backlog = true;
  }

  /** This process stored a new execution. */
  acknowledge(executionId: string): void {
    this.acknowledged.push(executionId);
  }

  /** Whether work may be waiting that a freed slot should claim. */
  get waiting(): boolean {
    return this.backlog;
  }

  /**
   * Takes the demand for one claim: "any" for whatever is claimable, the ids to claim, or
   * null when there is nothing to claim.
   */
  take(): "any" | string[] | null {
    if (this.general || this.backlog) {
      this.general = false;
      this.acknowledged = [];
      return "any";
    }
    if (this.acknowledged.length === 0) return null;
    const ids = this.acknowledged;
    this.acknowledged = [];
    return ids;
  }

  /** What a claim of `demand` with `free` slots took. */
  claimed(demand: "any" | string[], free: number, count: number): void {
    this.backlog = demand === "any" ? count === free : demand.length > free;
  }

  /** A claim failed: try everything again. */
  failed(): void {
    this.general = true;
  }
}
