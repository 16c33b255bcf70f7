/** Thrown (and caught by the compiler) when one evaluation spends more than its budget. */
export class CostLimitExceeded extends Error {
  override readonly name = "CostLimitExceeded";
}

/**
 * Counts work units of one evaluation: every field read and list element visited through a
 * binding view, and every function call weighted by the size of its list, map and string
 * arguments. Evaluation is synchronous, so one meter per compiler is reset per call.
 */
export class CostMeter {
  used = 0;
  exceeded = false;

  constructor(readonly max: number) {}

  reset(): void {
    this.used = 0;
    this.exceeded = false;
  }

  charge(units: number): void {
    this.used += units;
    if (this.used > this.max) {
      this.exceeded = true;
      throw new CostLimitExceeded(`evaluation cost exceeded ${this.max} units`);
    }
  }
}
