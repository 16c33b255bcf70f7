import type { Execution } from "../../domain/execution/execution.js";
import type { Logger } from "../../ports/logger.js";
import type { RunEnd } from "./run-end.js";

/** The runner found its claim taken over: it stopped the run without writing. */
export function logLeaseLost(logger: Logger, execution: Execution, owner: string): void {
  logger.warn(
    {
      event_type: "SYSTEM",
      action: "lease_lost",
      result: "FAILURE",
      execution_id: execution.executionId,
      owner,
    },
    "lease lost: another runner holds this execution; stopped here without writing",
  );
}

/** The audit record of a run stored in its terminal state. */
export function logFinished(
  logger: Logger,
  execution: Execution,
  end: RunEnd,
  durationMs: number,
): void {
  logger.info(
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
