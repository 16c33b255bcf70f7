import type { ExecutionWait, ExecutionWithNodeRuns } from "../../domain/execution/execution.js";
import type { ExecutionEvent } from "../../domain/execution/execution-event.js";
import { type ExecutionStatus, isTerminalStatus } from "../../domain/execution/execution-status.js";
import type { Principal } from "../../domain/permissions/principal.js";
import type { Clock } from "../../domain/ports/clock.js";
import type { ExecutionEventBus } from "../../ports/execution-event-bus.js";
import type { ExecutionRepository } from "../../ports/execution-repository.js";
import { checkIds } from "../input-limits/input-check.js";
import type { ExecutionAccess } from "./execution-access.js";

type WatchItem =
  | { kind: "snapshot"; time: Date; execution: ExecutionWithNodeRuns }
  | ExecutionEvent;

/**
 * Streams the current state of an execution, then each node run and status change until it is
 * terminal. Events come from this process's bus; when a run is owned by another process (or
 * an event is missed) a periodic re-read of the stored state fills the gap. Needs can_view.
 */
export class WatchExecution {
  constructor(
    private readonly executions: ExecutionRepository,
    private readonly access: ExecutionAccess,
    private readonly bus: ExecutionEventBus,
    private readonly clock: Clock,
    private readonly pollMs: number,
  ) {}

  async *execute(
    principal: Principal,
    executionId: string,
    signal: AbortSignal,
  ): AsyncGenerator<WatchItem> {
    checkIds({ execution_id: executionId });
    await this.access.require(principal, executionId, "can_view", "watch_execution");
    const queue: ExecutionEvent[] = [];
    let notify: (() => void) | null = null;
    const unsubscribe = this.bus.subscribe(executionId, (event) => {
      queue.push(event);
      notify?.();
    });
    const onAbort = () => notify?.();
    signal.addEventListener("abort", onAbort);
    try {
      const snapshot = await this.load(executionId);
      if (snapshot === null) return;
      yield { kind: "snapshot", time: new Date(this.clock.now()), execution: snapshot };
      let lastSequence = maxSequence(snapshot);
      let status: ExecutionStatus = snapshot.status;
      let wait = waitKey(snapshot.wait);
      while (!isTerminalStatus(status) && !signal.aborted) {
        if (queue.length === 0) {
          const woke = await waitFor(this.pollMs, (wake) => {
            notify = wake;
          });
          notify = null;
          if (!woke && queue.length === 0) {
            const current = await this.load(executionId);
            if (current === null) return;
            for (const nodeRun of current.nodeRuns) {
              if (nodeRun.sequence > lastSequence) {
                queue.push({
                  kind: "node_run",
                  executionId,
                  time: new Date(this.clock.now()),
                  nodeRun,
                });
              }
            }
            if (current.status !== status || waitKey(current.wait) !== wait) {
              queue.push({
                kind: "status",
                executionId,
                time: new Date(this.clock.now()),
                status: current.status,
                errorReason: current.errorReason,
                errorMessage: current.errorMessage,
                wait: current.wait,
              });
            }
          }
        }
        for (const event of queue.splice(0)) {
          if (event.kind === "node_run") {
            if (event.nodeRun.sequence <= lastSequence) continue;
            lastSequence = event.nodeRun.sequence;
            yield event;
          } else if (
            event.status !== status ||
            (event.wait !== undefined && waitKey(event.wait) !== wait)
          ) {
            status = event.status;
            if (event.wait !== undefined) wait = waitKey(event.wait);
            yield event;
            if (isTerminalStatus(status)) return;
          }
        }
      }
    } finally {
      unsubscribe();
      signal.removeEventListener("abort", onAbort);
    }
  }

  private load(executionId: string): Promise<ExecutionWithNodeRuns | null> {
    return this.executions.get(executionId, { nodeRuns: true, logs: true });
  }
}

/** Identifies a wait for change detection: parked on what, until when. */
function waitKey(wait: ExecutionWait | null | undefined): string {
  if (wait === null || wait === undefined) return "";
  return `${wait.reason}:${wait.wakeAt?.getTime() ?? ""}:${wait.nodeIds.join(",")}`;
}

function maxSequence(execution: ExecutionWithNodeRuns): number {
  return execution.nodeRuns.reduce((max, run) => Math.max(max, run.sequence), 0);
}

/** Resolves true when woken, false when `ms` passed. */
function waitFor(ms: number, register: (wake: () => void) => void): Promise<boolean> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), ms);
    register(() => {
      clearTimeout(timer);
      resolve(true);
    });
  });
}
