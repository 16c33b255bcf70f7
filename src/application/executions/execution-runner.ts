import { DomainError } from "../../domain/errors.js";
import type { Execution } from "../../domain/execution/execution.js";
import type { NodeRun } from "../../domain/execution/node-run.js";
import type { Clock } from "../../domain/ports/clock.js";
import type { WorkflowDefinition } from "../../domain/workflow/workflow-definition.js";
import type { ExecutionEventBus } from "../../ports/execution-event-bus.js";
import type {
  ClaimedExecution,
  ExecutionOutcome,
  ExecutionRepository,
} from "../../ports/execution-repository.js";
import type { Logger } from "../../ports/logger.js";
import type { EngineLimits, EngineOutcome, WorkflowEngine } from "../../ports/workflow-engine.js";
import type { WorkflowRepository } from "../../ports/workflow-repository.js";
import { ExecutionTrace } from "./execution-telemetry.js";
import { NodeRunWriter } from "./node-run-writer.js";

export interface RunnerOptions {
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
  limits: EngineLimits;
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
  private readonly definitions = new Map<string, WorkflowDefinition>();
  private stopped = true;
  private loop: Promise<void> | null = null;
  private wakeUp: (() => void) | null = null;
  private woken = false;
  private renewTimer: NodeJS.Timeout | null = null;

  constructor(
    private readonly executions: ExecutionRepository,
    private readonly workflows: WorkflowRepository,
    private readonly engine: WorkflowEngine,
    private readonly bus: ExecutionEventBus,
    private readonly clock: Clock,
    private readonly logger: Logger,
    private readonly options: RunnerOptions,
  ) {}

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

  get activeCount(): number {
    return this.active.size;
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
      if (!this.woken) await this.sleep();
      if (this.options.claimBatchMs > 0 && !this.stopped) {
        await new Promise((resolve) => setTimeout(resolve, this.options.claimBatchMs));
      }
    }
  }

  private sleep(): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, this.options.pollMs);
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
    const startedAt = execution.startedAt ?? new Date(this.clock.now());
    this.publishStatus(execution.executionId, "running", null, null);

    if (execution.cancelRequestedAt !== null) {
      await this.finish(execution, startedAt, trace, cancelledOutcome(), claimed);
      return;
    }
    if (resumed && claimed.checkpoint === null) {
      await this.finish(execution, startedAt, trace, interruptedOutcome(), claimed);
      return;
    }
    const definition = await this.definitionOf(execution);
    if (definition === null) {
      await this.finish(execution, startedAt, trace, missingVersionOutcome(execution), claimed);
      return;
    }

    let takeCheckpoint = () => claimed.checkpoint;
    const writer = new NodeRunWriter(
      execution.executionId,
      this.executions,
      this.bus,
      this.clock,
      () => takeCheckpoint(),
    );
    let outcome: EngineOutcome;
    try {
      const run = this.engine.start(`${execution.workflowId}@${execution.workflowVersion}`, {
        definition,
        context: {
          executionId: execution.executionId,
          workflowId: execution.workflowId,
          workflowVersion: execution.workflowVersion,
          userId: execution.triggeredBy,
          communityId: execution.communityId,
          entityId: execution.entityId,
        },
        variables: execution.inputVariables,
        trigger: execution.trigger,
        limits: this.options.limits,
        mode: "live",
        mocks: {},
        signal,
        onNodeRun: (run) => {
          trace.nodeRun(run);
          writer.add(run);
        },
        resumeFrom: claimed.checkpoint,
      });
      takeCheckpoint = () => run.takeCheckpoint();
      outcome = await run.outcome;
    } catch (error) {
      outcome = failedOutcome(error);
    }
    const unstored = await writer.close();
    const cause = signal.aborted ? (signal.reason as AbortCause) : null;
    if (cause === "shutdown" || cause === "lease_lost") {
      // Left running: the lease is released (shutdown) or already someone else's.
      await writer.store(unstored);
      trace.finish({ status: "cancelled", errorReason: null, errorMessage: cause }, 0);
      return;
    }
    await this.finish(execution, startedAt, trace, outcome, claimed, { writer, unstored });
  }

  private async finish(
    execution: Execution,
    startedAt: Date,
    trace: ExecutionTrace,
    outcome: EngineOutcome,
    claimed: ClaimedExecution,
    last?: { writer: NodeRunWriter; unstored: NodeRun[] },
  ): Promise<void> {
    const completedAt = new Date(this.clock.now());
    const durationMs = Math.max(0, completedAt.getTime() - startedAt.getTime());
    const record: ExecutionOutcome = {
      status: outcome.status,
      completedAt,
      durationMs,
      nodesExecuted: outcome.nodesExecuted || countExecuted(claimed),
      failedNodes: outcome.failedNodes,
      ...(outcome.totalNodes > 0 ? { totalNodes: outcome.totalNodes } : {}),
      errorReason: outcome.errorReason,
      errorMessage: outcome.errorMessage,
      errorNodeId: outcome.errorNodeId,
      finalOutput: outcome.finalOutput,
      finalVariables: outcome.finalVariables,
    };
    const applied = await this.executions.finish(execution.executionId, record, last?.unstored);
    if (last !== undefined) last.writer.published(last.unstored);
    trace.finish(outcome, durationMs);
    if (!applied) return;
    this.publishStatus(
      execution.executionId,
      outcome.status,
      outcome.errorReason,
      outcome.errorMessage,
    );
    this.logger.info(
      {
        event_type: "AUDIT",
        action: "execution_finished",
        result: outcome.status === "completed" ? "SUCCESS" : "FAILURE",
        user: execution.triggeredBy,
        community: execution.communityId,
        workflow_id: execution.workflowId,
        execution_id: execution.executionId,
        status: outcome.status,
        error_reason: outcome.errorReason,
        duration_ms: durationMs,
      },
      "execution finished",
    );
  }

  private publishStatus(
    executionId: string,
    status: Execution["status"],
    errorReason: string | null,
    errorMessage: string | null,
  ): void {
    this.bus.publish({
      kind: "status",
      executionId,
      time: new Date(this.clock.now()),
      status,
      errorReason,
      errorMessage,
    });
  }

  private async definitionOf(execution: Execution): Promise<WorkflowDefinition | null> {
    const key = `${execution.workflowId}@${execution.workflowVersion}`;
    const cached = this.definitions.get(key);
    if (cached) return cached;
    const version = await this.workflows.getVersion(
      execution.workflowId,
      execution.workflowVersion,
    );
    if (version === null) return null;
    if (this.definitions.size >= 1000) this.definitions.clear();
    this.definitions.set(key, version.definition);
    return version.definition;
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

function baseOutcome(): Omit<EngineOutcome, "status" | "errorReason" | "errorMessage"> {
  return {
    errorNodeId: null,
    finalOutput: null,
    finalVariables: {},
    nodesExecuted: 0,
    failedNodes: [],
    totalNodes: 0,
  };
}

function cancelledOutcome(): EngineOutcome {
  return { ...baseOutcome(), status: "cancelled", errorReason: null, errorMessage: "cancelled" };
}

function interruptedOutcome(): EngineOutcome {
  return {
    ...baseOutcome(),
    status: "failed",
    errorReason: "EXECUTION_ERROR",
    errorMessage:
      "interrupted: the service stopped while this execution was at a point it cannot resume from",
  };
}

function missingVersionOutcome(execution: Execution): EngineOutcome {
  return {
    ...baseOutcome(),
    status: "failed",
    errorReason: "WORKFLOW_NOT_FOUND",
    errorMessage: `workflow ${execution.workflowId} version ${execution.workflowVersion} not found`,
  };
}

function failedOutcome(error: unknown): EngineOutcome {
  if (DomainError.is(error)) {
    return {
      ...baseOutcome(),
      status: "failed",
      errorReason: error.reason,
      errorMessage: error.message,
    };
  }
  return {
    ...baseOutcome(),
    status: "failed",
    errorReason: "INTERNAL_ERROR",
    errorMessage: "internal error while running the workflow",
  };
}
