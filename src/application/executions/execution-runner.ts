import type { Execution } from "../../domain/execution/execution.js";
import type { NodeRun } from "../../domain/execution/node-run.js";
import type { JsonValue } from "../../domain/json.js";
import type { Clock } from "../../domain/ports/clock.js";
import type { EngineHost } from "../../ports/engine-host.js";
import type { ExecutionEventBus } from "../../ports/execution-event-bus.js";
import type {
  ClaimedExecution,
  ExecutionOutcome,
  ExecutionRepository,
  Fence,
} from "../../ports/execution-repository.js";
import type { Logger } from "../../ports/logger.js";
import type { ProcessCoordination } from "../../ports/process-coordination.js";
import type { WorkflowRepository } from "../../ports/workflow-repository.js";
import { ClaimDemand } from "./claim-demand.js";
import { ExecutionTrace } from "./execution-telemetry.js";
import { hostedRunOptions } from "./hosted-run-options.js";
import { NodeRunWriter } from "./node-run-writer.js";
import {
  cancelledEnd,
  cancelledWhileWaiting,
  failedEnd,
  interruptedEnd,
  missingVersionEnd,
  type RunEnd,
} from "./run-end.js";
import { logFinished, logLeaseLost } from "./runner-logs.js";
import type { RunnerOptions } from "./runner-options.js";
import { RunParker } from "./waits/park-run.js";
import { dueWakeAtMs, hasWaits } from "./waits/parked-run.js";
import { WakeSchedule } from "./waits/wake-schedule.js";
import type { WorkflowVersions } from "./workflow-versions.js";

interface ActiveRun {
  controller: AbortController;
  done: Promise<void>;
  /** The claim this run holds; its writes are conditioned on it. */
  fence: Fence;
  /** Until when the lease was last taken or renewed (this process's clock). */
  leaseUntil: number;
}

/** Why a run was aborted: cancel ends it cancelled, the others leave it for another runner. */
type AbortCause = "cancel" | "shutdown" | "lease_lost";

/**
 * Claims pending executions (and running ones whose lease expired after a crash), runs them on
 * the engine host (worker threads), persists node runs as they finish and writes the terminal state with a
 * compare-and-set. Every write is fenced by the claim's token: after another claim took a run
 * ("lease lost") it is aborted here at once and nothing more is written for it. A run aborted
 * for shutdown or lease loss stores nothing for the nodes the abort interrupted.
 */
export class ExecutionRunner {
  private readonly active = new Map<string, ActiveRun>();
  private stopped = true;
  private loop: Promise<void> | null = null;
  private wakeUp: (() => void) | null = null;
  private woken = false;
  private readonly demand = new ClaimDemand();
  private renewTimer: NodeJS.Timeout | null = null;
  private readonly wakeSchedule: WakeSchedule;
  private readonly parker: RunParker;

  constructor(
    private readonly executions: ExecutionRepository,
    private readonly workflows: WorkflowRepository,
    private readonly versions: WorkflowVersions,
    private readonly engine: EngineHost,
    private readonly bus: ExecutionEventBus,
    private readonly clock: Clock,
    private readonly logger: Logger,
    private readonly options: RunnerOptions,
    /** PostgreSQL: the liveness lock and notifications shared with other processes. */
    private readonly coordination: ProcessCoordination | null = null,
  ) {
    this.wakeSchedule = new WakeSchedule(executions, clock, logger, options.pollMs);
    this.parker = new RunParker(executions, bus, clock, logger);
  }

  /** Whose leases this runner holds (its liveness lock is taken on this id). */
  get ownerId(): string {
    return this.options.ownerId;
  }

  /**
   * A new execution was stored: claim it here when there is a free slot, else wake idle
   * runners in the other processes.
   */
  queued(executionId?: string): void {
    if (this.active.size >= this.options.concurrency) {
      this.demand.full();
      this.coordination?.announceWork();
    } else if (executionId === undefined || this.coordination === null) {
      this.wake();
    } else {
      this.demand.acknowledge(executionId);
      this.woken = true;
      this.wakeUp?.();
    }
  }

  runsHere(executionId: string): boolean {
    return this.active.has(executionId);
  }

  /** A cancel was requested (in any process): abort the run if it runs here. */
  cancelRequested(executionId: string): void {
    this.active.get(executionId)?.controller.abort("cancel" satisfies AbortCause);
  }

  /** Tells the process running this execution, whichever it is, to abort it now. */
  async announceCancel(executionId: string): Promise<void> {
    await this.coordination?.announceCancel(executionId);
  }

  /** Notifications may have been missed: look for work, and for cancels of local runs. */
  resync(): void {
    this.wake();
    const ids = [...this.active.keys()];
    this.executions.listCancelRequested(ids).then(
      (cancelled) => {
        for (const id of cancelled) this.cancelRequested(id);
      },
      (error: unknown) =>
        this.logger.error({ event_type: "ERROR", err: error }, "re-checking cancels failed"),
    );
  }

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.loop = this.claimLoop();
    this.renewTimer = setInterval(
      () => void this.renewLeases(),
      Math.max(50, this.options.leaseMs / 3),
    );
    this.renewTimer.unref();
  }

  /** Looks for work now instead of at the next poll. */
  wake(): void {
    this.demand.anything();
    this.woken = true;
    this.wakeUp?.();
  }

  /**
   * Stops claiming, aborts local runs and releases their leases so they resume elsewhere (or at
   * the next start). Node runs that finished are persisted first.
   */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    this.wake();
    if (this.renewTimer) clearInterval(this.renewTimer);
    await this.loop;
    const ids = [...this.active.keys()];
    for (const run of this.active.values()) run.controller.abort("shutdown" satisfies AbortCause);
    await Promise.allSettled([...this.active.values()].map((r) => r.done));
    if (ids.length > 0) {
      await this.executions.releaseLeases(this.options.ownerId, ids);
      // The other processes take the released runs now rather than at their next poll.
      this.coordination?.announceWork();
    }
  }

  /** Aborts a run this process owns; resolves true once it has ended. */
  async cancelLocal(executionId: string): Promise<boolean> {
    const run = this.active.get(executionId);
    if (run === undefined) return false;
    run.controller.abort("cancel" satisfies AbortCause);
    await run.done;
    return true;
  }

  private async claimLoop(): Promise<void> {
    while (!this.stopped) {
      let claimed = 0;
      const free = this.options.concurrency - this.active.size;
      this.woken = false;
      // Without its liveness lock, a run claimed here would look orphaned to the others.
      const live = this.coordination === null || this.coordination.live;
      if (free <= 0 || !live) this.demand.full();
      const demand = free > 0 && live ? this.demand.take() : null;
      if (demand !== null) {
        try {
          const now = this.clock.now();
          const batch = await this.executions.claim(
            this.options.ownerId,
            new Date(now),
            new Date(now + this.options.leaseMs),
            free,
            { orphans: this.coordination !== null, ...(demand === "any" ? {} : { only: demand }) },
          );
          claimed = batch.length;
          this.demand.claimed(demand, free, claimed);
          for (const item of batch) this.launch(item);
        } catch (error) {
          this.demand.failed();
          this.logger.error({ event_type: "ERROR", err: error }, "claiming executions failed");
        }
      }
      if (this.stopped) break;
      if (claimed > 0 && claimed === free) continue;
      if (!this.woken) await this.sleep(await this.wakeSchedule.sleepMs(free > claimed));
      if (this.options.claimBatchMs > 0 && !this.stopped) {
        await new Promise((resolve) => setTimeout(resolve, this.options.claimBatchMs));
      }
    }
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      if (this.woken) {
        resolve();
        return;
      }
      const timer = setTimeout(() => {
        this.demand.anything();
        done();
      }, ms);
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.wakeUp = () => {
        this.wakeUp = null;
        done();
      };
    });
  }

  private launch(claimed: ClaimedExecution): void {
    const controller = new AbortController();
    const id = claimed.execution.executionId;
    // Claimed again by this process (its lease ran out while it stalled): the older local run
    // holds a stale claim.
    this.active.get(id)?.controller.abort("lease_lost" satisfies AbortCause);
    const entry: ActiveRun = {
      controller,
      done: Promise.resolve(),
      fence: claimed.fence,
      leaseUntil: this.clock.now() + this.options.leaseMs,
    };
    entry.done = this.run(claimed, controller)
      .catch((error: unknown) =>
        this.logger.error({ event_type: "ERROR", err: error, execution_id: id }, "runner failed"),
      )
      .finally(() => {
        if (this.active.get(id) === entry) this.active.delete(id);
        if (this.demand.waiting) this.wake();
      });
    this.active.set(id, entry);
  }

  private async run(claimed: ClaimedExecution, controller: AbortController): Promise<void> {
    const signal = controller.signal;
    const execution = claimed.execution;
    const resumed = claimed.nodeRuns.length > 0 || claimed.checkpoint !== null;
    const trace = new ExecutionTrace(execution, resumed);
    const dueMs = dueWakeAtMs(claimed.checkpoint, this.clock.now());
    if (dueMs !== null) trace.resumedLate(this.clock.now() - dueMs);
    const startedAt = execution.startedAt ?? new Date(this.clock.now());
    // A parked run that is claimed again is no longer waiting (Watch shows it resumed).
    this.publishStatus(
      execution.executionId,
      "running",
      null,
      null,
      dueMs === null ? undefined : null,
    );

    // A parked run cancelled meanwhile is replayed and ended by the engine (records cancelled).
    const cancelParked = execution.cancelRequestedAt !== null && hasWaits(claimed.checkpoint);
    if (execution.cancelRequestedAt !== null && !cancelParked) {
      await this.finish(execution, startedAt, trace, cancelledEnd(), claimed);
      return;
    }
    if (resumed && claimed.checkpoint === null) {
      await this.finish(execution, startedAt, trace, interruptedEnd(), claimed);
      return;
    }
    let definition = this.versions.get(execution.workflowId, execution.workflowVersion);
    if (definition === undefined) {
      const version = await this.workflows.getVersion(
        execution.workflowId,
        execution.workflowVersion,
      );
      if (version === null) {
        await this.finish(execution, startedAt, trace, missingVersionEnd(execution), claimed);
        return;
      }
      definition = version.definition;
      this.versions.set(execution.workflowId, execution.workflowVersion, definition);
    }

    let takeCheckpoint = (): JsonValue | null => claimed.checkpoint;
    const writer = new NodeRunWriter(
      execution.executionId,
      claimed.fence,
      this.executions,
      this.bus,
      this.clock,
      () => takeCheckpoint(),
      () => controller.abort("lease_lost" satisfies AbortCause),
    );
    let end: RunEnd;
    let totalNodes = 0;
    try {
      // The host compiles the version; a definition that does not compile rejects the result.
      const run = this.engine.run(
        { workflowId: execution.workflowId, version: execution.workflowVersion, definition },
        {
          ...hostedRunOptions(
            claimed,
            signal,
            (nodeRun) => {
              // Once aborted for shutdown or lease loss, what the engine reports as cancelled or
              // failed is the abort itself (the interrupted node, the nodes that never ran): not
              // a boundary to store. A completed node is one, even when its record reaches this
              // thread after the abort (records cross from the worker asynchronously).
              if (
                signal.aborted &&
                signal.reason !== ("cancel" satisfies AbortCause) &&
                nodeRun.status !== "completed"
              )
                return;
              trace.nodeRun(nodeRun);
              writer.add(nodeRun);
            },
            this.options.limits,
            this.options.parkAfterMs,
          ),
          ...(cancelParked ? { cancelOnResume: "the execution was cancelled while waiting" } : {}),
        },
      );
      takeCheckpoint = () => run.takeCheckpoint();
      totalNodes = definition.nodes.length;
      end = await run.result;
    } catch (error) {
      end = failedEnd(error);
    }
    const unstored = await writer.close();
    const cause = writer.leaseLost
      ? "lease_lost"
      : signal.aborted
        ? (signal.reason as AbortCause)
        : null;
    if (cause === "lease_lost") {
      // Another claim holds the run: nothing more is written for it here.
      this.logLeaseLost(execution);
      trace.finish({ status: "cancelled", errorReason: null, errorMessage: cause }, 0);
      return;
    }
    if (cause === null && end.status === "waiting") {
      await this.park(execution, trace, end, takeCheckpoint(), writer, unstored, claimed.fence);
      return;
    }
    if (cause === "shutdown") {
      // Left running with the lease released: the node runs that finished are stored first.
      await writer.store(unstored);
      trace.finish({ status: "cancelled", errorReason: null, errorMessage: cause }, 0);
      return;
    }
    // A cancel that arrived as the run parked: it ends cancelled instead.
    if (end.status === "waiting") end = cancelledWhileWaiting(end);
    await this.finish(execution, startedAt, trace, end, claimed, { writer, unstored, totalNodes });
  }

  private logLeaseLost(execution: Execution): void {
    logLeaseLost(this.logger, execution, this.options.ownerId);
  }

  private async finish(
    execution: Execution,
    startedAt: Date,
    trace: ExecutionTrace,
    end: RunEnd,
    claimed: ClaimedExecution,
    last?: { writer: NodeRunWriter; unstored: NodeRun[]; totalNodes: number },
  ): Promise<void> {
    const completedAt = new Date(this.clock.now());
    const durationMs = Math.max(0, completedAt.getTime() - startedAt.getTime());
    const totalNodes = last?.totalNodes ?? 0;
    const status = end.status === "waiting" ? "cancelled" : end.status;
    const record: ExecutionOutcome = {
      status,
      completedAt,
      durationMs,
      nodesExecuted: end.nodesExecuted || countExecuted(claimed),
      failedNodes: end.failedNodes,
      ...(totalNodes > 0 ? { totalNodes } : {}),
      errorReason: end.errorReason,
      errorMessage: end.errorMessage,
      errorNodeId: end.errorNodeId,
      finalOutput: end.finalOutput,
      finalVariables: end.finalVariables,
    };
    const applied = await this.executions.finish(
      execution.executionId,
      record,
      last?.unstored,
      claimed.fence,
    );
    trace.finish(end, durationMs);
    if (!applied) {
      this.logLeaseLost(execution);
      return;
    }
    if (last !== undefined) last.writer.published(last.unstored);
    this.publishStatus(execution.executionId, status, end.errorReason, end.errorMessage);
    logFinished(this.logger, execution, end, durationMs);
  }

  /**
   * The run waits: it is parked (fenced, one transaction) and leaves this process (slot, lease,
   * memory) until the claim takes it again.
   */
  private async park(
    execution: Execution,
    trace: ExecutionTrace,
    end: RunEnd,
    checkpoint: JsonValue | null,
    writer: NodeRunWriter,
    unstored: NodeRun[],
    fence: Fence,
  ): Promise<void> {
    const { outcome, parked } = await this.parker.park(execution, end, checkpoint, unstored, fence);
    trace.parked(parked.reason);
    if (outcome === "lease_lost") {
      this.logLeaseLost(execution);
      return;
    }
    writer.published(unstored);
    // A cancel came in as it parked: it is due now, so a runner ends it cancelled at once.
    if (outcome === "cancel_requested") this.queued();
    else if (parked.wakeAt !== null) this.wakeSchedule.note(parked.wakeAt.getTime());
  }

  private publishStatus(
    executionId: string,
    status: Execution["status"],
    errorReason: string | null,
    errorMessage: string | null,
    wait?: null,
  ): void {
    this.bus.publish({
      kind: "status",
      executionId,
      time: new Date(this.clock.now()),
      status,
      errorReason,
      errorMessage,
      ...(wait === undefined ? {} : { wait }),
    });
  }

  private async renewLeases(): Promise<void> {
    const held = [...this.active].map(([executionId, run]) => ({ executionId, run }));
    if (held.length === 0 || this.stopped) return;
    const now = this.clock.now();
    try {
      const leaseUntil = now + this.options.leaseMs;
      const owned = new Set(
        await this.executions.renewLeases(
          this.options.ownerId,
          held.map(({ executionId, run }) => ({ executionId, token: run.fence.token })),
          new Date(leaseUntil),
        ),
      );
      for (const { executionId, run } of held) {
        if (owned.has(executionId)) run.leaseUntil = leaseUntil;
        else run.controller.abort("lease_lost" satisfies AbortCause);
      }
      for (const id of await this.executions.listCancelRequested(held.map((h) => h.executionId))) {
        this.active.get(id)?.controller.abort("cancel" satisfies AbortCause);
      }
    } catch (error) {
      this.logger.error({ event_type: "ERROR", err: error }, "renewing leases failed");
      // Unrenewed past its lease, a run may be claimed elsewhere at any moment: stop it here.
      for (const { run } of held) {
        if (run.leaseUntil <= now) run.controller.abort("lease_lost" satisfies AbortCause);
      }
    }
  }
}

/** For runs ended without the engine (interrupted, cancelled before start): what was stored. */
function countExecuted(claimed: ClaimedExecution): number {
  return claimed.nodeRuns.filter((r) => r.status === "completed" || r.status === "failed").length;
}
