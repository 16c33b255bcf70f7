import type { Execution } from "../../domain/execution/execution.js";
import { isTerminalStatus } from "../../domain/execution/execution-status.js";
import type { ExecutionEventBus } from "../../ports/execution-event-bus.js";
import type { ExecutionRepository } from "../../ports/execution-repository.js";

/**
 * Waits until an execution is stored in a terminal state, and returns it as stored; null when
 * `boundMs` passed first. A terminal status event (from this process or, on PostgreSQL, any
 * other) wakes it at once; the stored state is read again on every other event and every
 * `pollMs` as a safety net.
 */
export class TerminalWait {
  constructor(
    private readonly executions: ExecutionRepository,
    private readonly bus: ExecutionEventBus,
    private readonly pollMs: number,
  ) {}

  /** Subscribes now (before the caller acts), so that no event is missed. */
  begin(executionId: string): {
    until(boundMs: number): Promise<Execution | null>;
    end(): void;
  } {
    let wake: (() => void) | null = null;
    let signalled = false;
    const unsubscribe = this.bus.subscribe(executionId, (event) => {
      if (event.kind === "node_run") return;
      signalled = true;
      wake?.();
    });
    return {
      end: unsubscribe,
      until: async (boundMs) => {
        const deadline = Date.now() + boundMs;
        try {
          for (;;) {
            signalled = false;
            const current = await this.executions.get(executionId, {
              nodeRuns: false,
              logs: false,
            });
            if (current === null) return null;
            if (isTerminalStatus(current.status)) return current;
            const left = deadline - Date.now();
            if (left <= 0) return null;
            if (!signalled) {
              await new Promise<void>((resolve) => {
                const timer = setTimeout(resolve, Math.min(left, this.pollMs));
                wake = () => {
                  clearTimeout(timer);
                  resolve();
                };
              });
              wake = null;
            }
          }
        } finally {
          unsubscribe();
        }
      },
    };
  }
}
