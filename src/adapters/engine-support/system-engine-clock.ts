import type { EngineClock } from "../../domain/engine/engine-clock.js";

/**
 * The real clock. `sleep(0)` resolves on the next macrotask (setImmediate): the engine uses it
 * to yield to the event loop during long synchronous stretches, so it must not cost a 1 ms timer.
 */
export class SystemEngineClock implements EngineClock {
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
