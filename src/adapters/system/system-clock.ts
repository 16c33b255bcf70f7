import type { Clock } from "../../domain/ports/clock.js";

/**
 * Wall-clock time and timers of the running process. `sleep(0)` resolves on the next macrotask
 * (setImmediate): the engine uses it to yield to the event loop, so it must not cost a 1 ms timer.
 */
export class SystemClock implements Clock {
  now(): number {
    return Date.now();
  }

  sleep(ms: number, signal: AbortSignal): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      if (signal.aborted) {
        reject(signal.reason);
        return;
      }
      const onAbort = () => {
        if (ms <= 0) clearImmediate(handle as NodeJS.Immediate);
        else clearTimeout(handle as NodeJS.Timeout);
        reject(signal.reason);
      };
      const done = () => {
        signal.removeEventListener("abort", onAbort);
        resolve();
      };
      const handle: NodeJS.Immediate | NodeJS.Timeout =
        ms <= 0 ? setImmediate(done) : setTimeout(done, ms);
      signal.addEventListener("abort", onAbort, { once: true });
    });
  }
}
