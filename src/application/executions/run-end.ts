import type { EngineResult } from "../../domain/engine/engine-types.js";
import { DomainError } from "../../domain/errors.js";
import type { Execution } from "../../domain/execution/execution.js";

/** How a run ended: the engine's result, or an end the runner decided without the engine. */
export type RunEnd = Pick<
  EngineResult,
  | "status"
  | "errorReason"
  | "errorMessage"
  | "errorNodeId"
  | "finalOutput"
  | "finalVariables"
  | "nodesExecuted"
  | "failedNodes"
> & { wait?: EngineResult["wait"] };

function baseEnd(): Omit<RunEnd, "status" | "errorReason" | "errorMessage"> {
  return {
    errorNodeId: null,
    finalOutput: null,
    finalVariables: {},
    nodesExecuted: 0,
    failedNodes: [],
  };
}

/** A cancel was requested before the run started. */
export function cancelledEnd(): RunEnd {
  return { ...baseEnd(), status: "cancelled", errorReason: null, errorMessage: "cancelled" };
}

/** The run was interrupted where no checkpoint could be taken (inside a loop). */
export function interruptedEnd(): RunEnd {
  return {
    ...baseEnd(),
    status: "failed",
    errorReason: "EXECUTION_ERROR",
    errorMessage:
      "interrupted: the service stopped while this execution was at a point it cannot resume from",
  };
}

/** The run had just parked when a cancel stopped it. */
export function cancelledWhileWaiting(end: RunEnd): RunEnd {
  return {
    ...end,
    status: "cancelled",
    errorReason: null,
    errorMessage: "the execution was cancelled while waiting",
    wait: null,
  };
}

export function missingVersionEnd(execution: Execution): RunEnd {
  return {
    ...baseEnd(),
    status: "failed",
    errorReason: "WORKFLOW_NOT_FOUND",
    errorMessage: `workflow ${execution.workflowId} version ${execution.workflowVersion} not found`,
  };
}

/** The run could not start (the version does not compile, the trigger or checkpoint is wrong). */
export function failedEnd(error: unknown): RunEnd {
  if (DomainError.is(error)) {
    return {
      ...baseEnd(),
      status: "failed",
      errorReason: error.reason,
      errorMessage: error.message,
    };
  }
  return {
    ...baseEnd(),
    status: "failed",
    errorReason: "INTERNAL_ERROR",
    errorMessage: "internal error while running the workflow",
  };
}
