import type { Clock } from "../../../src/domain/ports/clock.js";

interface Sleeper {
  at: number;
  resolve: () => void;
  reject: (reason: unknown) => void;
  signal: AbortSignal;
  onAbort: () => void;
}

/**
 * A clock tests move by hand. `sleep(0)` resolves on the next macrotask (as the system clock
 * does) so the engine's yields work; longer sleeps wait for advance().
 */
export class ManualClock implements Clock {
  private time: number;
  private sleepers: Sleeper[] = [];

  constructor(start = Date.UTC(2026, 0, 1)) {
    this.time = start;
  }

  now(): number {
    return this.time;
  }

  /** Pending sleeps (not yet due, not aborted). */
  get pending(): number {
    return this.sleepers.length;
  }

  sleep(ms: number, signal: AbortSignal): Promise<void> {
    if (signal.aborted) return Promise.reject(signal.reason);
    if (ms <= 0) {
      return new Promise((resolve, reject) => {
        setImmediate(() => (signal.aborted ? reject(signal.reason) : resolve()));
      });
    }
    return new Promise((resolve, reject) => {
      const sleeper: Sleeper = {
        at: this.time + ms,
        resolve,
        reject,
        signal,
        onAbort: () => {
          this.sleepers = this.sleepers.filter((s) => s !== sleeper);
          reject(signal.reason);
        },
      };
      signal.addEventListener("abort", sleeper.onAbort, { once: true });
      this.sleepers.push(sleeper);
    });
  }

  /** Moves time forward, waking due sleepers in time order, letting promises settle between. */
  async advance(ms: number): Promise<void> {
    const target = this.time + ms;
    for (;;) {
      await flush();
      const due = this.sleepers.filter((s) => s.at <= target).sort((a, b) => a.at - b.at)[0];
      if (due === undefined) break;
      this.time = Math.max(this.time, due.at);
      this.sleepers = this.sleepers.filter((s) => s !== due);
      due.signal.removeEventListener("abort", due.onAbort);
      due.resolve();
    }
    this.time = target;
    await flush();
  }
}

/** Lets pending promise callbacks and immediates run. */
export async function flush(): Promise<void> {
  for (let i = 0; i < 5; i++) await new Promise((resolve) => setImmediate(resolve));
}
