import type { Principal } from "../../domain/permissions/principal.js";

/** Re-checks the key a call was authenticated with (AuthenticateApiKey). */
export interface KeyRecheck {
  recheck(principal: Principal, action: string): Promise<void>;
}

/**
 * Keeps a call that outlives its authentication (a server stream) to what a new call would
 * be allowed: every `intervalMs` it re-checks the caller's key, then its access to what is
 * streamed. The first failing check stops the source and ends the stream with that check's
 * error (UNAUTHORIZED for a revoked key; a lost access answers as a new call would).
 */
export class StreamGuard {
  constructor(
    private readonly keys: KeyRecheck,
    private readonly intervalMs: number,
  ) {}

  async *guard<T>(
    principal: Principal,
    action: string,
    recheckAccess: () => Promise<unknown>,
    open: (signal: AbortSignal) => AsyncIterable<T>,
    signal: AbortSignal,
  ): AsyncGenerator<T> {
    const stop = new AbortController();
    const onAbort = () => stop.abort(signal.reason);
    if (signal.aborted) onAbort();
    else signal.addEventListener("abort", onAbort, { once: true });
    let timer: NodeJS.Timeout | undefined;
    const refused = new Promise<never>((_resolve, reject) => {
      const tick = async () => {
        try {
          await this.keys.recheck(principal, action);
          await recheckAccess();
          if (!stop.signal.aborted) timer = setTimeout(tick, this.intervalMs);
        } catch (error) {
          stop.abort(error);
          reject(error);
        }
      };
      timer = setTimeout(tick, this.intervalMs);
    });
    // Observed by the race below; a refusal after the stream ended is of no interest.
    refused.catch(() => undefined);
    const source = open(stop.signal)[Symbol.asyncIterator]();
    let pending: Promise<IteratorResult<T>> | null = null;
    try {
      for (;;) {
        pending = source.next();
        const next = await Promise.race([refused, pending]);
        pending = null;
        if (next.done) return;
        yield next.value;
      }
    } finally {
      clearTimeout(timer);
      stop.abort();
      signal.removeEventListener("abort", onAbort);
      // The source ends on the abort; it is not waited for, and what it still throws is moot.
      pending?.catch(() => undefined);
      source.return?.(undefined).catch(() => undefined);
    }
  }
}
