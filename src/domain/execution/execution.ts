import type { JsonObject, JsonValue } from "../json.js";
import type { ExecutionStatus } from "./execution-status.js";
import type { NodeRun } from "./node-run.js";

export interface TriggerInfo {
  triggerNodeId: string;
  triggerSource: string;
  sessionId: string;
  platform: string;
  data: JsonObject;
}

/**
 * A parked run: status stays `running`, but no runner holds it. `timer`: it is due at wakeAt,
 * and any process resumes it then. nodeIds are the nodes that wait.
 */
export interface ExecutionWait {
  reason: "timer";
  wakeAt: Date | null;
  nodeIds: string[];
}

/** One run of one workflow version. */
export interface Execution {
  executionId: string;
  workflowId: string;
  workflowVersion: number;
  status: ExecutionStatus;
  communityId: number;
  entityId: number;
  /** User id of the principal that started it. */
  triggeredBy: string;
  trigger: TriggerInfo;
  inputVariables: JsonObject;
  idempotencyKey: string | null;
  createdAt: Date;
  startedAt: Date | null;
  completedAt: Date | null;
  durationMs: number | null;
  nodesExecuted: number;
  totalNodes: number;
  failedNodes: string[];
  errorReason: string | null;
  errorMessage: string | null;
  errorNodeId: string | null;
  finalOutput: JsonValue;
  finalVariables: JsonObject;
  /** Set when a cancel was requested; the runner that owns the run stops it. */
  cancelRequestedAt: Date | null;
  /** Set while the run is parked (see ExecutionWait); null otherwise. */
  wait: ExecutionWait | null;
}

export interface ExecutionWithNodeRuns extends Execution {
  nodeRuns: NodeRun[];
}
