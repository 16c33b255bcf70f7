import type {
  EngineCheckpoint,
  EngineEnvironment,
  EngineLimits,
  RunOptions,
} from "../../domain/engine/engine-types.js";
import { runWorkflow } from "../../domain/engine/run-workflow.js";
import type { Execution } from "../../domain/execution/execution.js";
import type { NodeRun } from "../../domain/execution/node-run.js";
import type { JsonValue } from "../../domain/json.js";
import type { Clock } from "../../domain/ports/clock.js";
import type { ExecutionEventBus } from "../../ports/execution-event-bus.js";
import type {
  ClaimedExecution,
  ExecutionOutcome,
  ExecutionRepository,
} from "../../ports/execution-repository.js";
import type { Logger } from "../../ports/logger.js";
import type { WorkflowRepository } from "../../ports/workflow-repository.js";
import type { CompiledWorkflows } from "./compiled-workflows.js";
import { ExecutionTrace } from "./execution-telemetry.js";
import { NodeRunWriter } from "./node-run-writer.js";
import {
  cancelledEnd,
  cancelledWhileWaiting,
  failedEnd,
  interruptedEnd,
  missingVersionEnd,
  type RunEnd,
} from "./run-end.js";
import { dueWakeAtMs, hasWaits, parkedRunOf } from "./waits/parked-run.js";
import { WakeSchedule } from "./waits/wake-schedule.js";

interface RunnerOptions {
  /** Identifies this process's leases. */
  ownerId: string;
  concurrency: number;
  leaseMs: number;
  /** How often to look for work when nothing woke the runner. */
  pollMs: number;
  /**
   * After a wake-up, how long to let further wake-ups (new executions, finished runs) gather
   * so that one claim statement takes them all instead of one statement per execution.
   */
  claimBatchMs: number;
  /** Service limits; the engine lowers them with the workflow's own. */
  limits: Partial<EngineLimits>;
  /** Waits at least this long park the run in the database (null: every wait stays in memory). */
  parkAfterMs: number | null;
}

interface ActiveRun {
  controller: AbortController;
  done: Promise<void>;
}

/** Why a run was aborted: cancel ends it cancelled, the others leave it for another runner. */
type AbortCause = "cancel" | "shutdown" | "lease_lost";

/**
 * Claims pending executions (and running ones whose lease expired after a crash) from the
 * database, runs them on the engine, persists node runs as they finish and writes the terminal
 * state with a compare-and-set.
 */
export class ExecutionRunner {
  private readonly active = new Map<string, ActiveRun>();
  private stopped = true;
  private loop: Promise<void> | null = null;
  private wakeUp: (() => void) | null = null;
  private woken = false;
  private renewTimer: NodeJS.Timeout | null = null;
  private readonly wakeSchedule: WakeSchedule;

  constructor(
    private readonly executions: ExecutionRepository,
    private readonly workflows: WorkflowRepository,
    private readonly compiled: CompiledWorkflows,
    private readonly engine: EngineEnvironment,
    private readonly bus: ExecutionEventBus,
    private readonly clock: Clock,
    private readonly logger: Logger,
    private readonly options: RunnerOptions,
  ) {
    this.wakeSchedule = new WakeSchedule(executions, clock, logger, options.pollMs);
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
    if (ids.length > 0) await this.executions.releaseLeases(this.options.ownerId, ids);
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
      if (free > 0) {
        try {
          const now = this.clock.now();
          const batch = await this.executions.claim(
            this.options.ownerId,
            new Date(now),
            new Date(now + this.options.leaseMs),
            free,
          );
          claimed = batch.length;
          for (const item of batch) this.launch(item);
        } catch (error) {
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
      const timer = setTimeout(done, ms);
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
    const done = this.run(claimed, controller.signal)
      .catch((error: unknown) =>
        this.logger.error({ event_type: "ERROR", err: error, execution_id: id }, "runner failed"),
      )
      .finally(() => {
        this.active.delete(id);
        this.wake();
      });
    this.active.set(id, { controller, done });
  }

  private async run(claimed: ClaimedExecution, signal: AbortSignal): Promise<void> {
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
    let workflow = this.compiled.get(execution.workflowId, execution.workflowVersion);
    if (workflow === undefined) {
      const version = await this.workflows.getVersion(
        execution.workflowId,
        execution.workflowVersion,
      );
      if (version === null) {
        await this.finish(execution, startedAt, trace, missingVersionEnd(execution), claimed);
        return;
      }
      try {
        workflow = this.compiled.compile(
          execution.workflowId,
          execution.workflowVersion,
          version.definition,
        );
      } catch (error) {
        await this.finish(execution, startedAt, trace, failedEnd(error), claimed);
        return;
      }
    }

    let takeCheckpoint = (): JsonValue | null => claimed.checkpoint;
    const writer = new NodeRunWriter(
      execution.executionId,
      this.executions,
      this.bus,
      this.clock,
      () => takeCheckpoint(),
    );
    let end: RunEnd;
    let totalNodes = 0;
    try {
      const run = runWorkflow(
        workflow,
        {
          ...this.runOptions(claimed, signal, (nodeRun) => {
            trace.nodeRun(nodeRun);
            writer.add(nodeRun);
          }),
          ...(cancelParked ? { cancelOnResume: "the execution was cancelled while waiting" } : {}),
        },
        this.engine,
      );
      takeCheckpoint = () => run.takeCheckpoint();
      totalNodes = workflow.nodes.length;
      end = await run.result;
    } catch (error) {
      end = failedEnd(error);
    }
    const unstored = await writer.close();
    if (end.status === "waiting" && !signal.aborted) {
      await this.park(execution, trace, end, takeCheckpoint(), writer, unstored);
      return;
    }
    const cause = signal.aborted ? (signal.reason as AbortCause) : null;
    if (cause === "shutdown" || cause === "lease_lost") {
      // Left running: the lease is released (shutdown) or already someone else's.
      await writer.store(unstored);
      trace.finish({ status: "cancelled", errorReason: null, errorMessage: cause }, 0);
      return;
    }
    // A cancel that arrived as the run parked: it ends cancelled instead.
    if (end.status === "waiting") end = cancelledWhileWaiting(end);
    await this.finish(execution, startedAt, trace, end, claimed, { writer, unstored, totalNodes });
  }

  private runOptions(
    claimed: ClaimedExecution,
    signal: AbortSignal,
    onNodeRun: (nodeRun: NodeRun) => void,
  ): RunOptions {
    const { execution, checkpoint } = claimed;
    const trigger = execution.trigger;
    return {
      context: {
        executionId: execution.executionId,
        workflowId: execution.workflowId,
        workflowVersion: execution.workflowVersion,
        userId: execution.triggeredBy,
        communityId: execution.communityId,
        entityId: execution.entityId,
        sessionId: trigger.sessionId,
        platform: trigger.platform,
      },
      variables: execution.inputVariables,
      trigger: { triggerNodeId: trigger.triggerNodeId, data: trigger.data },
      limits: this.options.limits,
      mode: "live",
      ...(this.options.parkAfterMs === null
        ? {}
        : { parking: { minWaitMs: this.options.parkAfterMs } }),
      signal,
      onEvent: (event) => {
        if (event.type === "node_finished") onNodeRun(event.nodeRun);
      },
      // Stored as takeCheckpoint() returned it; the engine checks it belongs to this execution.
      ...(checkpoint === null ? {} : { resume: checkpoint as EngineCheckpoint }),
    };
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
    const applied = await this.executions.finish(execution.executionId, record, last?.unstored);
    if (last !== undefined) last.writer.published(last.unstored);
    trace.finish(end, durationMs);
    if (!applied) return;
    this.publishStatus(execution.executionId, status, end.errorReason, end.errorMessage);
    this.logger.info(
      {
        event_type: "AUDIT",
        action: "execution_finished",
        result: end.status === "completed" ? "SUCCESS" : "FAILURE",
        user: execution.triggeredBy,
        community: execution.communityId,
        workflow_id: execution.workflowId,
        execution_id: execution.executionId,
        status: end.status,
        error_reason: end.errorReason,
        duration_ms: durationMs,
      },
      "execution finished",
    );
  }

  /**
   * The run waits: its runs, checkpoint and wait are stored and its lease given up in one
   * transaction; it leaves this process (slot, lease, memory) until the claim takes it again.
   */
  private async park(
    execution: Execution,
    trace: ExecutionTrace,
    end: RunEnd,
    checkpoint: JsonValue | null,
    writer: NodeRunWriter,
    unstored: NodeRun[],
  ): Promise<void> {
    const parked = parkedRunOf(execution.executionId, end, checkpoint);
    const now = new Date(this.clock.now());
    const applied = await this.executions.park(this.options.ownerId, parked, unstored, now);
    writer.published(unstored);
    trace.parked(parked.reason);
    if (!applied) return;
    if (parked.wakeAt !== null) this.wakeSchedule.note(parked.wakeAt.getTime());
    const wait = { reason: parked.reason, wakeAt: parked.wakeAt, nodeIds: parked.nodeIds };
    this.bus.publish({
      kind: "status",
      executionId: execution.executionId,
      time: now,
      status: "running",
      errorReason: null,
      errorMessage: null,
      wait,
    });
    this.logger.info(
      {
        event_type: "AUDIT",
        action: "execution_parked",
        result: "SUCCESS",
        user: execution.triggeredBy,
        community: execution.communityId,
        workflow_id: execution.workflowId,
        execution_id: execution.executionId,
        wait_reason: parked.reason,
        wake_at: parked.wakeAt?.toISOString() ?? null,
        wait_nodes: parked.nodeIds,
      },
      "execution parked",
    );
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
    const ids = [...this.active.keys()];
    if (ids.length === 0 || this.stopped) return;
    try {
      const now = this.clock.now();
      const owned = new Set(
        await this.executions.renewLeases(
          this.options.ownerId,
          ids,
          new Date(now + this.options.leaseMs),
        ),
      );
      for (const id of ids) {
        if (!owned.has(id))
          this.active.get(id)?.controller.abort("lease_lost" satisfies AbortCause);
      }
      for (const id of await this.executions.listCancelRequested(ids)) {
        this.active.get(id)?.controller.abort("cancel" satisfies AbortCause);
      }
    } catch (error) {
      this.logger.error({ event_type: "ERROR", err: error }, "renewing leases failed");
    }
  }
}

/** For runs ended without the engine (interrupted, cancelled before start): what was stored. */
function countExecuted(claimed: ClaimedExecution): number {
  return claimed.nodeRuns.filter((r) => r.status === "completed" || r.status === "failed").length;
}
