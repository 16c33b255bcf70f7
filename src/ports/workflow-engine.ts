import type { TriggerInfo } from "../domain/execution/execution.js";
import type { NodeRun } from "../domain/execution/node-run.js";
import type { JsonObject, JsonValue } from "../domain/json.js";
import type { WorkflowDefinition } from "../domain/workflow/workflow-definition.js";

/** Service-wide limits; the engine lowers them with the workflow's own limits. */
export interface EngineLimits {
  timeoutMs: number;
  maxLoopIterations: number;
  maxTotalOperations: number;
  maxLoopDepth: number;
  maxParallelNodes: number;
}

/** Facts about the run that caller variables can never overwrite. */
export interface TrustedRunContext {
  executionId: string;
  workflowId: string;
  workflowVersion: number;
  userId: string;
  communityId: number;
  entityId: number;
}

export interface EngineStartRequest {
  definition: WorkflowDefinition;
  context: TrustedRunContext;
  variables: JsonObject;
  trigger: TriggerInfo;
  limits: EngineLimits;
  mode: "live" | "dry_run";
  /** Dry-run only: mock output per node id. */
  mocks: Record<string, JsonValue>;
  signal: AbortSignal;
  /** Called synchronously when a node run reaches a final status. */
  onNodeRun: (run: NodeRun) => void;
  /** Checkpoint of an interrupted run to resume from; null for a fresh run. */
  resumeFrom: JsonValue | null;
}

export interface EngineOutcome {
  status: "completed" | "failed" | "cancelled";
  errorReason: string | null;
  errorMessage: string | null;
  errorNodeId: string | null;
  finalOutput: JsonValue;
  finalVariables: JsonObject;
  nodesExecuted: number;
  failedNodes: string[];
  totalNodes: number;
}

export interface EngineRun {
  readonly outcome: Promise<EngineOutcome>;
  /** JSON state consistent with every node run reported so far; null where resuming is impossible. */
  takeCheckpoint(): JsonValue | null;
}

/** The workflow engine as the application drives it (compiled definitions are cached inside). */
export interface WorkflowEngine {
  /** Throws a BAD_REQUEST DomainError when the definition cannot run. */
  start(cacheKey: string, request: EngineStartRequest): EngineRun;
}
