/** Thrown (and caught by the compiler) when one evaluation spends more than its budget. */
export class CostLimitExceeded extends Error {
  override readonly name = "CostLimitExceeded";
}

/**
 * Characters (UTF-16 code units) of a string, or bytes of a bytes value, that a function builds
 * per cost unit. The same factor as cel-go's string traversal cost (0.1 per character).
 */
export const BUILT_CHARS_PER_UNIT = 10;

/** Characters of a string argument a function reads (compares, searches) per cost unit. */
export const READ_CHARS_PER_UNIT = 64;

/**
 * Counts work units of one evaluation: every field read and list element visited through a
 * binding view, every function call weighted by the size of its list, map and string
 * arguments, and every string, bytes or list a function builds, by its size, before it is
 * built. Evaluation is synchronous, so one meter per compiler is reset per call.
 */
export class CostMeter {
  used = 0;
  exceeded = false;
  /** What the charge that crossed the limit was for, when it said so. */
  detail: string | undefined;

  constructor(readonly max: number) {}

  reset(): void {
    this.used = 0;
    this.exceeded = false;
    this.detail = undefined;
  }

  /** Units left before the limit. */
  get remaining(): number {
    return this.max - this.used;
  }

  charge(units: number, detail?: () => string): void {
    this.used += units;
    if (this.used > this.max) {
      if (!this.exceeded && detail !== undefined) this.detail = detail();
      this.exceeded = true;
      throw new CostLimitExceeded(`evaluation cost exceeded ${this.max} units`);
    }
  }

  /** Charges a string of `length` characters that `what` is about to build. */
  chargeString(what: string, length: number): void {
    const units = Math.ceil(length / BUILT_CHARS_PER_UNIT);
    this.charge(units, () => `${what} would build a string of ${length} characters`);
  }

  /** Charges a bytes value of `length` bytes that `what` is about to build. */
  chargeBytes(what: string, length: number): void {
    const units = Math.ceil(length / BUILT_CHARS_PER_UNIT);
    this.charge(units, () => `${what} would build a bytes value of ${length} bytes`);
  }

  /** Charges a list of `size` elements that `what` is about to build. */
  chargeList(what: string, size: number): void {
    this.charge(size, () => `${what} would build a list of ${size} elements`);
  }

  /** Charges work other than building a value, described by `detail` should it cross the limit. */
  chargeWork(units: number, detail: () => string): void {
    this.charge(Math.ceil(units), detail);
  }
}
