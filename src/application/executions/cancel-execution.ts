import { DomainError } from "../../domain/errors.js";
import type { Execution } from "../../domain/execution/execution.js";
import { isTerminalStatus } from "../../domain/execution/execution-status.js";
import type { Principal } from "../../domain/permissions/principal.js";
import type { Clock } from "../../domain/ports/clock.js";
import type { ExecutionEventBus } from "../../ports/execution-event-bus.js";
import type { ExecutionRepository } from "../../ports/execution-repository.js";
import { InputCheck } from "../input-limits/input-check.js";
import { inputLimits } from "../input-limits/input-limits.js";
import type { Auditor } from "../shared/audit.js";
import type { ExecutionAccess } from "./execution-access.js";
import type { ExecutionRunner } from "./execution-runner.js";

/** How long a cancel answer waits for a parked run to be ended by a runner. */
const PARKED_CANCEL_WAIT_MS = 10_000;

/**
 * Cancels a pending or running execution. A run owned by this process is aborted at once and
 * the answer waits for it to end; a pending one is ended directly; a run owned by another
 * process stops when its runner next checks (a third of the lease). Needs can_execute.
 */
export class CancelExecution {
  constructor(
    private readonly executions: ExecutionRepository,
    private readonly access: ExecutionAccess,
    private readonly runner: ExecutionRunner,
    private readonly bus: ExecutionEventBus,
    private readonly clock: Clock,
    private readonly auditor: Auditor,
  ) {}

  async execute(principal: Principal, executionId: string, reason: string): Promise<Execution> {
    const check = new InputCheck();
    check.id(executionId, "execution_id");
    check.text(reason, "reason", inputLimits.text.reason);
    check.throwIfAny("invalid cancel request");
    const execution = await this.access.require(
      principal,
      executionId,
      "can_execute",
      "cancel_execution",
    );
    const subject = {
      communityId: execution.communityId,
      workflowId: execution.workflowId,
      executionId,
    };
    const now = new Date(this.clock.now());
    if (
      isTerminalStatus(execution.status) ||
      !(await this.executions.requestCancel(executionId, now))
    ) {
      await this.auditor.failure(principal, "cancel_execution", subject, {
        status: execution.status,
      });
      throw alreadyFinished(executionId);
    }
    const stoppedHere = await this.runner.cancelLocal(executionId);
    if (!stoppedHere) await this.cancelIfPending(execution, now);
    // A local run that ended without a terminal state parked as the cancel came in.
    await this.cancelIfParked(executionId, stoppedHere || execution.wait !== null);
    await this.auditor.success(principal, "cancel_execution", subject, { reason });
    const after = await this.executions.get(executionId, { nodeRuns: false, logs: false });
    return after ?? execution;
  }

  /**
   * A parked run (also one that parked while this cancel was under way) fell due at once
   * (requestCancel, or the park itself): a runner claims it and ends it cancelled,
   * recording its waiting nodes cancelled. This process's runner is woken for it; the answer
   * waits for the terminal state (another process may be the one to claim it).
   */
  private async cancelIfParked(executionId: string, wasParked: boolean): Promise<void> {
    const current = await this.executions.get(executionId, { nodeRuns: false, logs: false });
    if (current === null || isTerminalStatus(current.status)) return;
    // Neither parked nor local: another process's runner stops it at its next check.
    if (!wasParked && current.wait === null) return;
    this.runner.wake();
    const deadline = this.clock.now() + PARKED_CANCEL_WAIT_MS;
    while (this.clock.now() < deadline) {
      const current = await this.executions.get(executionId, { nodeRuns: false, logs: false });
      if (current === null || isTerminalStatus(current.status)) return;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  /** A pending execution no runner holds yet is ended here (compare-and-set from pending). */
  private async cancelIfPending(execution: Execution, now: Date): Promise<void> {
    const current = await this.executions.get(execution.executionId, {
      nodeRuns: false,
      logs: false,
    });
    if (current === null || current.status !== "pending") return;
    const applied = await this.executions.finish(execution.executionId, {
      status: "cancelled",
      completedAt: now,
      durationMs: 0,
      nodesExecuted: 0,
      failedNodes: [],
      errorReason: null,
      errorMessage: "cancelled before it started",
      errorNodeId: null,
      finalOutput: null,
      finalVariables: {},
    });
    if (applied) {
      this.bus.publish({
        kind: "status",
        executionId: execution.executionId,
        time: now,
        status: "cancelled",
        errorReason: null,
        errorMessage: "cancelled before it started",
      });
    }
  }
}

function alreadyFinished(executionId: string): DomainError {
  return new DomainError(
    "failed_precondition",
    "FAILED_PRECONDITION",
    `execution ${executionId} has already finished`,
    { metadata: { execution_id: executionId } },
  );
}
