import type { ExecutionWait, ExecutionWithNodeRuns } from "../../domain/execution/execution.js";
import type { ExecutionEvent } from "../../domain/execution/execution-event.js";
import { type ExecutionStatus, isTerminalStatus } from "../../domain/execution/execution-status.js";
import type { Principal } from "../../domain/permissions/principal.js";
import type { Clock } from "../../domain/ports/clock.js";
import type { BusEvent, ExecutionEventBus } from "../../ports/execution-event-bus.js";
import type { ExecutionRepository } from "../../ports/execution-repository.js";
import { checkIds } from "../input-limits/input-check.js";
import type { ExecutionAccess } from "./execution-access.js";

type WatchItem =
  | { kind: "snapshot"; time: Date; execution: ExecutionWithNodeRuns }
  | ExecutionEvent;

/**
 * Streams the current state of an execution, then each node run and status change until it is
 * terminal. Events come from the bus: this process's, and on PostgreSQL the other processes'
 * too (notifications). When the bus says the stored state changed without describing it, or
 * nothing arrived for `pollMs` (the safety net), the stored state is read again. Needs can_view.
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
    const queue: BusEvent[] = [];
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
          // The safety net: nothing arrived for a while, read what is stored.
          if (!woke && queue.length === 0) queue.push({ kind: "stored", executionId });
        }
        for (const event of queue.splice(0)) {
          const events: ExecutionEvent[] = [];
          if (event.kind === "stored") {
            const current = await this.load(executionId);
            if (current === null) return;
            events.push(...this.changesIn(current, lastSequence, status, wait));
          } else {
            events.push(event);
          }
          for (const item of events) {
            if (item.kind === "node_run") {
              if (item.nodeRun.sequence <= lastSequence) continue;
              lastSequence = item.nodeRun.sequence;
              yield item;
            } else if (
              item.status !== status ||
              (item.wait !== undefined && waitKey(item.wait) !== wait)
            ) {
              status = item.status;
              if (item.wait !== undefined) wait = waitKey(item.wait);
              yield item;
              if (isTerminalStatus(status)) return;
            }
          }
        }
      }
    } finally {
      unsubscribe();
      signal.removeEventListener("abort", onAbort);
    }
  }

  /**
   * What the stored state holds beyond what the watcher was told: node runs, then status (or
   * the wait, when the run parked or woke).
   */
  private changesIn(
    current: ExecutionWithNodeRuns,
    lastSequence: number,
    status: ExecutionStatus,
    wait: string,
  ): ExecutionEvent[] {
    const time = new Date(this.clock.now());
    const executionId = current.executionId;
    const events: ExecutionEvent[] = current.nodeRuns
      .filter((nodeRun) => nodeRun.sequence > lastSequence)
      .map((nodeRun) => ({ kind: "node_run", executionId, time, nodeRun }));
    if (current.status !== status || waitKey(current.wait) !== wait) {
      events.push({
        kind: "status",
        executionId,
        time,
        status: current.status,
        errorReason: current.errorReason,
        errorMessage: current.errorMessage,
        wait: current.wait,
      });
    }
    return events;
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
