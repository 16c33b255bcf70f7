import { DomainError } from "../../domain/errors.js";
import type { Execution } from "../../domain/execution/execution.js";
import { type ExecutionStatus, isTerminalStatus } from "../../domain/execution/execution-status.js";
import type { Principal } from "../../domain/permissions/principal.js";
import type { Clock } from "../../domain/ports/clock.js";
import type { ExecutionEventBus } from "../../ports/execution-event-bus.js";
import { type ExecutionRepository, neverClaimed } from "../../ports/execution-repository.js";
import type { Disclosed } from "../access/disclosure.js";
import { InputCheck } from "../input-limits/input-check.js";
import { inputLimits } from "../input-limits/input-limits.js";
import type { Auditor } from "../shared/audit.js";
import type { ExecutionAccess } from "./execution-access.js";
import type { ExecutionRunner } from "./execution-runner.js";
import type { TerminalWait } from "./terminal-wait.js";

/**
 * Cancels a pending or running execution and answers with the state it ended in: the run as
 * stored, CANCELLED, when the cancel took effect; FAILED_PRECONDITION naming the state it
 * reached first otherwise (it completed or failed before the cancel got to it). A pending run
 * nobody holds is ended here; a run held by this process is aborted at once; one held by
 * another process is aborted there (a notification on PostgreSQL, its runner's lease check as
 * the safety net); a parked run (no owner) falls due at once and the first runner to claim it
 * ends it cancelled, recording its waiting nodes cancelled. An answer is never given before the run is terminal; when it does not end
 * within `waitMs` (its process is stalled: it ends cancelled once its lease is taken over), the
 * answer is DEADLINE_EXCEEDED. Needs can_execute.
 */
export class CancelExecution {
  constructor(
    private readonly executions: ExecutionRepository,
    private readonly access: ExecutionAccess,
    private readonly runner: ExecutionRunner,
    private readonly bus: ExecutionEventBus,
    private readonly clock: Clock,
    private readonly auditor: Auditor,
    private readonly terminal: TerminalWait,
    private readonly waitMs: number,
  ) {}

  async execute(
    principal: Principal,
    executionId: string,
    reason: string,
  ): Promise<Disclosed<Execution>> {
    const check = new InputCheck();
    check.id(executionId, "execution_id");
    check.text(reason, "reason", inputLimits.text.reason);
    check.throwIfAny("invalid cancel request");
    const { execution, show } = await this.access.require(
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
    const refuse = async (status: ExecutionStatus): Promise<never> => {
      await this.auditor.failure(principal, "cancel_execution", subject, { status });
      throw reachedFirst(executionId, status);
    };
    if (isTerminalStatus(execution.status)) return refuse(execution.status);
    // Subscribed before the request, so that the terminal event cannot slip past.
    const wait = this.terminal.begin(executionId);
    let ended: Execution | null;
    try {
      const now = new Date(this.clock.now());
      if (!(await this.executions.requestCancel(executionId, now))) {
        const current = await this.executions.get(executionId, { nodeRuns: false, logs: false });
        return await refuse(current?.status ?? execution.status);
      }
      const stoppedHere = await this.runner.cancelLocal(executionId);
      if (!stoppedHere) {
        await this.runner.announceCancel(executionId);
        // A run seen running never becomes pending again.
        if (execution.status === "pending") await this.cancelIfPending(execution, now);
        // Claimed here meanwhile (after the request was stored, before this runner heard).
        this.runner.cancelRequested(executionId);
      }
      // A parked run has no owner to tell: the request made it due, so a runner claims it,
      // replays its checkpoint and ends it cancelled (this one if it has a free slot, else the
      // other processes are woken). A run that parks as the request comes in wakes one itself.
      if (execution.wait !== null) this.runner.queued();
      ended = await wait.until(this.waitMs);
    } finally {
      wait.end();
    }
    if (ended === null) {
      await this.auditor.failure(principal, "cancel_execution", subject, { status: "running" });
      throw new DomainError(
        "deadline_exceeded",
        "EXECUTION_TIMEOUT",
        `execution ${executionId} did not stop within ${this.waitMs} ms; the cancel stays requested`,
        { metadata: { execution_id: executionId } },
      );
    }
    if (ended.status !== "cancelled") return refuse(ended.status);
    await this.auditor.success(principal, "cancel_execution", subject, { reason });
    return show.execution(ended);
  }

  /** A pending execution no runner holds yet is ended here (compare-and-set from pending). */
  private async cancelIfPending(execution: Execution, now: Date): Promise<void> {
    const current = await this.executions.get(execution.executionId, {
      nodeRuns: false,
      logs: false,
    });
    if (current === null || current.status !== "pending") return;
    const applied = await this.executions.finish(
      execution.executionId,
      {
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
      },
      [],
      neverClaimed,
    );
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

/** The run reached `status` before the cancel could take effect (or was already there). */
function reachedFirst(executionId: string, status: ExecutionStatus): DomainError {
  return new DomainError(
    "failed_precondition",
    "FAILED_PRECONDITION",
    `execution ${executionId} has already finished: it is ${status}`,
    { metadata: { execution_id: executionId, status } },
  );
}
