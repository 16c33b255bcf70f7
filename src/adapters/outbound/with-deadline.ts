/**
 * Runs `run` with a signal that aborts when the caller's signal aborts or `timeoutMs` passes,
 * whichever is first. A caller abort rejects with the caller's `signal.reason` (as
 * `AbortSignal.throwIfAborted` does); the timeout rejects with `onTimeout()`. Listener and timer
 * are removed when `run` settles, so a long-lived caller signal does not accumulate listeners.
 */
export async function withDeadline<T>(
  callerSignal: AbortSignal,
  timeoutMs: number,
  onTimeout: () => Error,
  run: (signal: AbortSignal) => Promise<T>,
): Promise<T> {
  callerSignal.throwIfAborted();
  const controller = new AbortController();
  let timeoutError: Error | null = null;
  const onAbort = () => controller.abort(callerSignal.reason);
  callerSignal.addEventListener("abort", onAbort, { once: true });
  const timer = setTimeout(
    () => {
      timeoutError = onTimeout();
      controller.abort(timeoutError);
    },
    Math.min(timeoutMs, 2 ** 31 - 1),
  );
  try {
    return await run(controller.signal);
  } catch (error) {
    if (callerSignal.aborted) throw callerSignal.reason;
    if (timeoutError !== null) throw timeoutError;
    throw error;
  } finally {
    clearTimeout(timer);
    callerSignal.removeEventListener("abort", onAbort);
  }
}
