import type { Execution, ExecutionWithNodeRuns } from "../domain/execution/execution.js";
import type { ExecutionStatus } from "../domain/execution/execution-status.js";
import type { NodeRun } from "../domain/execution/node-run.js";
import type { JsonObject, JsonValue } from "../domain/json.js";
import type { AuditEvent } from "./audit-log.js";

export interface ExecutionListFilter {
  workflowId: string;
  communityId?: number;
  statuses?: ExecutionStatus[];
  createdAfter?: Date;
  createdBefore?: Date;
}

/** Offset paging may sort differently (the REST API's sort_by/sort_order); ties by executionId. */
export interface ExecutionSort {
  by: "created_at" | "start_time" | "status" | "execution_time";
  order: "asc" | "desc";
}

export type ExecutionPaging =
  | { kind: "offset"; page: number; perPage: number; sort?: ExecutionSort }
  /** Opaque cursor from a previous page; null for the first page. */
  | { kind: "cursor"; cursor: string | null; perPage: number };

export interface ExecutionListPage {
  items: Execution[];
  /** Only for offset paging. */
  total?: number;
  nextCursor: string | null;
}

/** Fields written when an execution reaches a terminal status. */
export interface ExecutionOutcome {
  status: "completed" | "failed" | "cancelled";
  completedAt: Date;
  durationMs: number;
  nodesExecuted: number;
  failedNodes: string[];
  errorReason: string | null;
  errorMessage: string | null;
  errorNodeId: string | null;
  finalOutput: JsonValue;
  finalVariables: JsonObject;
  /** Number of nodes in the definition (Execution.totalNodes); when absent the stored value stays. */
  totalNodes?: number;
}

/** What a runner needs to resume an execution it claimed. */
export interface ClaimedExecution {
  execution: Execution;
  /** Latest engine checkpoint persisted with node runs; null when none was written. */
  checkpoint: JsonValue | null;
  /** Node runs already persisted (sequence order). */
  nodeRuns: NodeRun[];
}

/** A run that parks: its checkpoint holds the waits; it is due again at wakeAt. */
export interface ParkedRun {
  executionId: string;
  reason: "timer";
  wakeAt: Date | null;
  nodeIds: string[];
  checkpoint: JsonValue;
}

export interface ExecutionRepository {
  /** Stores a new execution and the audit event of its creation, atomically. */
  insert(execution: Execution, audit: AuditEvent): Promise<void>;
  /** The execution created by `triggeredBy` with this idempotency key at or after `since`. */
  findByIdempotencyKey(triggeredBy: string, key: string, since: Date): Promise<Execution | null>;
  get(
    executionId: string,
    options: { nodeRuns: boolean; logs: boolean },
  ): Promise<ExecutionWithNodeRuns | null>;
  /** Newest first (createdAt descending, then executionId descending). */
  list(filter: ExecutionListFilter, paging: ExecutionPaging): Promise<ExecutionListPage>;
  /**
   * Atomically takes up to `limit` executions that are pending, or running with an expired
   * lease, sets them running with a lease for `owner` until `leaseUntil`, and returns them.
   * Safe with several processes on PostgreSQL (FOR UPDATE SKIP LOCKED).
   */
  claim(owner: string, now: Date, leaseUntil: Date, limit: number): Promise<ClaimedExecution[]>;
  /** Extends the leases `owner` holds; returns the ids it still owns. */
  renewLeases(owner: string, executionIds: string[], leaseUntil: Date): Promise<string[]>;
  /** Appends node runs and replaces the checkpoint, in one transaction. */
  appendNodeRuns(executionId: string, runs: NodeRun[], checkpoint: JsonValue | null): Promise<void>;
  /**
   * Compare-and-set to a terminal status: applies only while the stored status is pending or
   * running. Returns false when the execution was already terminal. `nodeRuns` not stored yet
   * are appended in the same transaction (whether or not the status applies).
   */
  finish(executionId: string, outcome: ExecutionOutcome, nodeRuns?: NodeRun[]): Promise<boolean>;
  /**
   * Parks a run `owner` holds: stores `nodeRuns` and the checkpoint, records the wait and gives
   * up the lease, atomically. The claim takes it again once wakeAt has passed. False when
   * `owner` no longer held it (the runs are stored anyway).
   */
  park(owner: string, parked: ParkedRun, nodeRuns: NodeRun[], now: Date): Promise<boolean>;
  /** The earliest wakeAt of any parked run, or null when none waits on a timer. */
  nextWakeAt(): Promise<Date | null>;
  /** Marks a non-terminal execution as cancel-requested; false when already terminal. */
  requestCancel(executionId: string, at: Date): Promise<boolean>;
  /** Of these executions, the ones with a cancel request (checked by the owning runner). */
  listCancelRequested(executionIds: string[]): Promise<string[]>;
  /**
   * Gives up leases `owner` holds without finishing the runs (graceful shutdown), so another
   * runner can claim and resume them at once.
   */
  releaseLeases(owner: string, executionIds: string[]): Promise<void>;
  /**
   * Frees an idempotency key held by an execution created before `before`, so the key can be
   * used again once the idempotency window has passed.
   */
  releaseIdempotencyKey(triggeredBy: string, key: string, before: Date): Promise<void>;
}
