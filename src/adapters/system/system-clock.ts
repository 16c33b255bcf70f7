import type { Clock } from "../../domain/ports/clock.js";

/** Node fires a timer longer than this at once (with a warning): longer sleeps go in steps. */
const MAX_TIMER_MS = 2 ** 31 - 1;

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
      let immediate: NodeJS.Immediate | null = null;
      let timer: NodeJS.Timeout | null = null;
      const onAbort = () => {
        if (immediate !== null) clearImmediate(immediate);
        if (timer !== null) clearTimeout(timer);
        reject(signal.reason);
      };
      const done = () => {
        signal.removeEventListener("abort", onAbort);
        resolve();
      };
      const until = Date.now() + ms;
      const wait = (left: number) => {
        timer =
          left > MAX_TIMER_MS
            ? setTimeout(() => wait(until - Date.now()), MAX_TIMER_MS)
            : setTimeout(done, left);
      };
      if (ms <= 0) immediate = setImmediate(done);
      else wait(ms);
      signal.addEventListener("abort", onAbort, { once: true });
    });
  }
}
