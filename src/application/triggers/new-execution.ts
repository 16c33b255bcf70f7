import type { Execution, TriggerInfo } from "../../domain/execution/execution.js";
import type { JsonObject } from "../../domain/json.js";

export interface NewExecutionInput {
  executionId: string;
  workflowId: string;
  workflowVersion: number;
  communityId: number;
  entityId: number;
  triggeredBy: string;
  trigger: TriggerInfo;
  inputVariables: JsonObject;
  idempotencyKey: string | null;
  createdAt: Date;
}

/** A pending execution as every way of starting a run stores it. */
export function newExecution(input: NewExecutionInput): Execution {
  return {
    ...input,
    status: "pending",
    startedAt: null,
    completedAt: null,
    durationMs: null,
    nodesExecuted: 0,
    totalNodes: 0,
    failedNodes: [],
    errorReason: null,
    errorMessage: null,
    errorNodeId: null,
    finalOutput: null,
    finalVariables: {},
    cancelRequestedAt: null,
    wait: null,
  };
}
