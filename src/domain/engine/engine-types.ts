import type { ErrorReason } from "../errors.js";
import type { NodeRun } from "../execution/node-run.js";
import type { JsonObject, JsonValue } from "../json.js";
import type { ActionGateway } from "../ports/action-gateway.js";
import type { Clock } from "../ports/clock.js";

/** Who and what the execution is about; set by the service, never by caller variables. */
export interface TrustedContext {
  executionId: string;
  workflowId: string;
  workflowVersion: number;
  userId: string;
  communityId: number;
  entityId: number;
  sessionId: string;
  platform: string;
}

/** Run-time limits; every one trips with its own error reason instead of truncating. */
export interface EngineLimits {
  /** Whole-run timeout → EXECUTION_TIMEOUT. */
  timeoutMs: number;
  /** Cap on iterations of any one loop (with the node's max_iterations) → LOOP_LIMIT_EXCEEDED. */
  maxLoopIterations: number;
  /** Node runs plus loop iterations per execution → OPERATION_LIMIT_EXCEEDED. */
  maxTotalOperations: number;
  /** Loop nesting → LOOP_DEPTH_EXCEEDED. */
  maxLoopDepth: number;
  /** Nodes running at once in one execution. */
  maxParallelNodes: number;
  /** Largest output of one node, JSON bytes → PAYLOAD_TOO_LARGE. */
  maxOutputBytes: number;
  /** Largest total of all variables, JSON bytes → PAYLOAD_TOO_LARGE. */
  maxVariablesBytes: number;
  /** Inputs and outputs larger than this are stored truncated in NodeRun records (flagged). */
  maxRecordBytes: number;
}

export type RunMode = "live" | "dry_run";

export interface RunOptions {
  context: TrustedContext;
  /** Caller variables; they live under `vars` and can never overwrite the trusted context. */
  variables?: JsonObject;
  /** Which trigger to start from (default: the only one) and its data. */
  trigger?: { triggerNodeId?: string; data?: JsonObject };
  limits?: Partial<EngineLimits>;
  mode?: RunMode;
  /** Dry-run only: node id → output an action returns instead of the documented default. */
  mocks?: Readonly<Record<string, JsonValue>>;
  signal?: AbortSignal;
  /** Called synchronously as things happen. Records passed here are never mutated afterwards. */
  onEvent?: (event: EngineEvent) => void;
  /** Continue a run from a checkpoint taken by takeCheckpoint(). */
  resume?: EngineCheckpoint;
  /** Keep every finished NodeRun in EngineResult.trace (always on in dry-run). */
  collectTrace?: boolean;
  /**
   * Live runs only: a wait (action_delay, retry backoff) of at least `minWaitMs` parks the run
   * instead of sleeping in memory. The run then ends with status "waiting", its checkpoint
   * holds the waits, and resuming from it continues them. Absent: every wait sleeps in memory.
   */
  parking?: { minWaitMs: number };
  /**
   * With `resume`: the run was cancelled while parked. The checkpoint is replayed, then the run
   * ends cancelled at once: what had not finished (the parked nodes first) is recorded cancelled.
   */
  cancelOnResume?: string;
}

/** Ports the engine reaches the world through. */
export interface EngineEnvironment {
  gateway: ActionGateway;
  clock: Clock;
}

export type EngineEvent =
  | { type: "node_started"; nodeRun: NodeRun }
  | { type: "node_finished"; nodeRun: NodeRun }
  | { type: "execution_finished"; result: EngineResult };

/** "waiting": the run parked (see RunOptions.parking); resume it from its checkpoint. */
export type EngineStatus = "completed" | "failed" | "cancelled" | "waiting";

/** What a parked run waits for: the earliest wake-up of its parked nodes. */
export interface EngineWait {
  reason: "timer";
  wakeAtMs: number;
  nodeIds: string[];
}

export interface EngineResult {
  status: EngineStatus;
  errorReason: ErrorReason | null;
  errorMessage: string | null;
  errorNodeId: string | null;
  finalOutput: JsonValue;
  finalVariables: JsonObject;
  /** Node runs started (a node inside a loop counts once per iteration). */
  nodesExecuted: number;
  /** Ids of nodes that ended failed (including failures routed to an error port). */
  failedNodes: string[];
  operations: number;
  startedAt: Date;
  completedAt: Date;
  durationMs: number;
  /** Records by final status. */
  counts: { completed: number; failed: number; skipped: number; cancelled: number };
  /** Every NodeRun, in sequence (execution) order (dry-run, or when collectTrace is set). */
  trace: NodeRun[] | null;
  /** Set when status is "waiting". */
  wait: EngineWait | null;
}

export interface RunHandle {
  readonly result: Promise<EngineResult>;
  /**
   * A plain-JSON checkpoint consistent with every node_finished event emitted so far, or null
   * while a loop is iterating (resuming inside a loop body is not supported).
   */
  takeCheckpoint(): EngineCheckpoint | null;
}

// Checkpoints are type aliases, not interfaces, so that they are JsonValues as they are: the
// runner stores them as JSON without converting them.
export type CheckpointEntry = {
  nodeId: string;
  status: "completed" | "failed" | "skipped";
  port: string | null;
  output: JsonValue;
};

/** A top-level node that parked: what it waits for and how it continues. */
export type WaitEntry = {
  nodeId: string;
  /** delay: action_delay (completes with `output`); retry: the backoff before `attempt`. */
  kind: "delay" | "retry";
  wakeAtMs: number;
  /** When the node first started; its record keeps this start across the wait. */
  startedAtMs: number;
  attempt: number;
  output: JsonValue;
};

export type EngineCheckpoint = {
  format: "waddlebot.engine.checkpoint/1";
  executionId: string;
  workflowId: string;
  workflowVersion: number;
  sequence: number;
  operations: number;
  nodesExecuted: number;
  failedNodes: string[];
  elapsedMs: number;
  variables: JsonObject;
  variableStamps: Record<string, number[]>;
  finalOutput: JsonValue;
  finalOutputStamp: number[] | null;
  /** Top-level nodes that reached a final status, in the order they did. */
  settled: CheckpointEntry[];
  /** Top-level nodes parked on a wait (absent in checkpoints taken before waits existed). */
  waits?: WaitEntry[];
};
