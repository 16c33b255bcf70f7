/**
 * Time for the whole service: the engine's deadlines and waits, and every timestamp the
 * application stores. The real clock in production, a fake one in tests.
 */
export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number;
  /**
   * Resolves after `ms`, or rejects with the signal's reason as soon as it aborts. `sleep(0)`
   * must resolve on the next macrotask, not after a timer: the engine yields to the event loop
   * with it during long synchronous stretches.
   */
  sleep(ms: number, signal: AbortSignal): Promise<void>;
}
