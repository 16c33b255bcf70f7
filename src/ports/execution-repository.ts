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

/**
 * The fencing token of one claim: the owner and the claim_count the claim set. Every write a
 * runner makes for the run (node runs, checkpoint, renewal, finish) is conditioned on it in the
 * same statement, so once another claim took the run, the stale runner's writes change nothing.
 */
export interface Fence {
  owner: string;
  token: number;
}

/**
 * What a finish is conditioned on besides the run not being terminal: the claim that runs it
 * (a fence), or `{ owner: null, token: 0 }` for a run never claimed (still pending).
 */
export type FinishGuard = Fence | { owner: null; token: 0 };

/** A pending run nobody claimed yet: what a cancel that ends it directly is conditioned on. */
export const neverClaimed: FinishGuard = { owner: null, token: 0 };

/** What a runner needs to resume an execution it claimed. */
export interface ClaimedExecution {
  execution: Execution;
  /** This claim's fencing token. */
  fence: Fence;
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

export type ParkOutcome = "parked" | "cancel_requested" | "lease_lost";

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
   * Safe with several processes on PostgreSQL (FOR UPDATE SKIP LOCKED). With `orphans`
   * (PostgreSQL, for a runner holding its liveness lock), running executions whose owner's
   * liveness lock is gone are claimable too, whatever their lease says. With `only`, just
   * those executions, if still pending (PostgreSQL; SQLite claims whatever is claimable).
   */
  claim(
    owner: string,
    now: Date,
    leaseUntil: Date,
    limit: number,
    options?: { orphans?: boolean; only?: string[] },
  ): Promise<ClaimedExecution[]>;
  /**
   * Extends the leases of these claims (each id with its claim's token) while the run is still
   * running under that claim; returns the ids whose claim still holds.
   */
  renewLeases(
    owner: string,
    held: readonly { executionId: string; token: number }[],
    leaseUntil: Date,
  ): Promise<string[]>;
  /**
   * Appends node runs and replaces the checkpoint, in one statement (SQLite: one unit). With a
   * fence, nothing is written unless the run is still running under that claim, and the answer
   * is false ("lease lost"); without one (tools, tests) an unknown execution is NOT_FOUND.
   */
  appendNodeRuns(
    executionId: string,
    runs: NodeRun[],
    checkpoint: JsonValue | null,
    fence?: Fence,
  ): Promise<boolean>;
  /**
   * Compare-and-set to a terminal status: applies only while the stored status is pending or
   * running and, with a guard, the run is still under that claim (or never claimed). Returns
   * false when it did not apply; then nothing is written. `nodeRuns` not stored yet are
   * appended in the same statement (SQLite: unit) as the status.
   */
  finish(
    executionId: string,
    outcome: ExecutionOutcome,
    nodeRuns?: NodeRun[],
    guard?: FinishGuard,
  ): Promise<boolean>;
  /**
   * Parks a run under the claim `fence`: stores `nodeRuns` and the checkpoint, records the wait
   * and gives up the lease, atomically (one transaction). The claim takes it again once wakeAt
   * has passed. "cancel_requested": parked, but a cancel had been requested, so it is due at
   * once. "lease_lost": the run is no longer running under that claim; nothing was written.
   */
  park(fence: Fence, parked: ParkedRun, nodeRuns: NodeRun[], now: Date): Promise<ParkOutcome>;
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
