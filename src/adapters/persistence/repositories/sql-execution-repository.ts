import { DomainError } from "../../../domain/errors.js";
import type { Execution, ExecutionWithNodeRuns } from "../../../domain/execution/execution.js";
import type { NodeRun } from "../../../domain/execution/node-run.js";
import type { JsonValue } from "../../../domain/json.js";
import type { AuditEvent } from "../../../ports/audit-log.js";
import type {
  ClaimedExecution,
  ExecutionListFilter,
  ExecutionListPage,
  ExecutionOutcome,
  ExecutionPaging,
  ExecutionRepository,
  Fence,
  FinishGuard,
  ParkedRun,
  ParkOutcome,
} from "../../../ports/execution-repository.js";
import type { SqlDatabase } from "../database/sql-database.js";
import { violatedConstraint } from "../database/sql-errors.js";
import { auditEventToRow } from "../mappers/audit-event-rows.js";
import { executionFromRow, executionToRow } from "../mappers/execution-rows.js";
import { nodeRunFromRow } from "../mappers/node-run-rows.js";
import { claimStatement, releasedLeaseExpiry } from "../statements/claim-executions.js";
import {
  cancelRequested,
  claimKey,
  executionById,
  executionByIdempotencyKey,
  insertAuditEvent,
  insertExecution,
  insertExecutionWithAudit,
  releaseIdempotencyKey,
  releaseLeases,
  renewLeases,
  requestCancel,
} from "../statements/execution-statements.js";
import {
  nodeRunsOf,
  nodeRunsOfExecutions,
  nodeRunsWithoutLogsOf,
} from "../statements/node-run-statements.js";
import { nextWakeAt } from "../statements/wait-statements.js";
import { listExecutions } from "./execution-list-query.js";
import { ExecutionFinisher } from "./finish-execution.js";
import { parkExecutionWithRuns } from "./park-execution.js";
import { appendNodeRuns } from "./store-node-runs.js";

/**
 * Executions and their node runs. Every operation is one statement (on SQLite, writes that
 * store node runs are one group-commit unit), with no ORM change tracking on the hot path.
 */
export class SqlExecutionRepository implements ExecutionRepository {
  private readonly finisher: ExecutionFinisher;

  constructor(private readonly db: SqlDatabase) {
    this.finisher = new ExecutionFinisher(db);
  }

  /**
   * A duplicate id or idempotency key is ALREADY_EXISTS; an unknown workflow is
   * WORKFLOW_NOT_FOUND. PostgreSQL: one statement; SQLite: one unit of the group commit.
   */
  async insert(execution: Execution, audit: AuditEvent): Promise<void> {
    const executionRow = executionToRow(execution);
    const auditRow = auditEventToRow(audit);
    try {
      if (this.db.dialect === "postgresql") {
        await this.db.run(insertExecutionWithAudit, { execution: executionRow, audit: auditRow });
      } else {
        await this.db.atomic(async (tx) => {
          await this.db.run(insertExecution, executionRow, tx);
          await this.db.run(insertAuditEvent, auditRow, tx);
        });
      }
    } catch (error) {
      const violated = violatedConstraint(error);
      if (violated === "foreign_key") throw DomainError.workflowNotFound(execution.workflowId);
      if (violated !== "unique") throw error;
      throw new DomainError(
        "already_exists",
        "ALREADY_EXISTS",
        execution.idempotencyKey === null
          ? `execution ${execution.executionId} already exists`
          : "an execution with this idempotency key already exists",
        { metadata: { execution_id: execution.executionId }, cause: error },
      );
    }
  }

  async findByIdempotencyKey(
    triggeredBy: string,
    key: string,
    since: Date,
  ): Promise<Execution | null> {
    const { rows } = await this.db.run(executionByIdempotencyKey, { triggeredBy, key, since });
    return rows[0] === undefined ? null : executionFromRow(rows[0]);
  }

  async get(
    executionId: string,
    options: { nodeRuns: boolean; logs: boolean },
  ): Promise<ExecutionWithNodeRuns | null> {
    const { rows } = await this.db.run(executionById, { executionId });
    if (rows[0] === undefined) return null;
    const execution = executionFromRow(rows[0]);
    if (!options.nodeRuns) return { ...execution, nodeRuns: [] };
    const runs = await this.db.run(options.logs ? nodeRunsOf : nodeRunsWithoutLogsOf, {
      executionId,
    });
    return { ...execution, nodeRuns: runs.rows.map(nodeRunFromRow) };
  }

  list(filter: ExecutionListFilter, paging: ExecutionPaging): Promise<ExecutionListPage> {
    return listExecutions(this.db, filter, paging);
  }

  async claim(
    owner: string,
    now: Date,
    leaseUntil: Date,
    limit: number,
    options: { orphans?: boolean; only?: string[] } = {},
  ): Promise<ClaimedExecution[]> {
    if (limit <= 0 || options.only?.length === 0) return [];
    const chosen = options.only !== undefined;
    const statement = claimStatement(this.db.dialect, options.orphans ?? false, chosen);
    const { rows } = await this.db.runWrite(statement, {
      owner,
      now,
      leaseUntil,
      limit,
      ids: options.only ?? [],
    });
    const claimed = rows.map((row) => ({
      execution: executionFromRow(row),
      fence: { owner, token: row.claim_count },
      checkpoint: row.checkpoint,
      nodeRuns: [] as NodeRun[],
      resumable: row.node_run_count > 0,
    }));
    claimed.sort((a, b) => compareOldestFirst(a.execution, b.execution));
    const resumed = claimed.filter((c) => c.resumable).map((c) => c.execution.executionId);
    if (resumed.length > 0) {
      const runs = await this.db.run(nodeRunsOfExecutions, { executionIds: resumed });
      const byExecution = new Map(claimed.map((c) => [c.execution.executionId, c.nodeRuns]));
      for (const row of runs.rows) byExecution.get(row.execution_id)?.push(nodeRunFromRow(row));
    }
    return claimed.map(({ execution, fence, checkpoint, nodeRuns }) => ({
      execution,
      fence,
      checkpoint,
      nodeRuns,
    }));
  }

  async renewLeases(
    owner: string,
    held: readonly { executionId: string; token: number }[],
    leaseUntil: Date,
  ): Promise<string[]> {
    if (held.length === 0) return [];
    const { rows } = await this.db.runWrite(renewLeases, {
      owner,
      executionIds: held.map((h) => h.executionId),
      claims: held.map((h) => claimKey(h.executionId, h.token)),
      leaseUntil,
    });
    return rows.map((row) => row.execution_id);
  }

  async appendNodeRuns(
    executionId: string,
    runs: NodeRun[],
    checkpoint: JsonValue | null,
    fence?: Fence,
  ): Promise<boolean> {
    const written = await nodeRunWrite(executionId, () =>
      appendNodeRuns(this.db, executionId, runs, checkpoint, fence),
    );
    if (!written && fence === undefined) throw executionNotFound(executionId);
    return written;
  }

  finish(
    executionId: string,
    outcome: ExecutionOutcome,
    nodeRuns: NodeRun[] = [],
    guard?: FinishGuard,
  ): Promise<boolean> {
    return nodeRunWrite(executionId, () =>
      this.finisher.finish(executionId, outcome, nodeRuns, guard),
    );
  }

  park(fence: Fence, parked: ParkedRun, nodeRuns: NodeRun[], now: Date): Promise<ParkOutcome> {
    return nodeRunWrite(parked.executionId, () =>
      parkExecutionWithRuns(this.db, fence, parked, nodeRuns, now),
    );
  }

  async nextWakeAt(): Promise<Date | null> {
    const { rows } = await this.db.run(nextWakeAt, {});
    return rows[0]?.wake_at ?? null;
  }

  async requestCancel(executionId: string, at: Date): Promise<boolean> {
    const { changed } = await this.db.runWrite(requestCancel, { executionId, at });
    return changed > 0;
  }

  async listCancelRequested(executionIds: string[]): Promise<string[]> {
    if (executionIds.length === 0) return [];
    const { rows } = await this.db.run(cancelRequested, { executionIds });
    return rows.map((row) => row.execution_id);
  }

  async releaseLeases(owner: string, executionIds: string[]): Promise<void> {
    if (executionIds.length === 0) return;
    await this.db.runWrite(releaseLeases, { owner, executionIds, expiredAt: releasedLeaseExpiry });
  }

  async releaseIdempotencyKey(triggeredBy: string, key: string, before: Date): Promise<void> {
    await this.db.runWrite(releaseIdempotencyKey, { triggeredBy, key, before });
  }
}

function compareOldestFirst(a: Execution, b: Execution): number {
  const byTime = a.createdAt.getTime() - b.createdAt.getTime();
  if (byTime !== 0) return byTime;
  return a.executionId < b.executionId ? -1 : a.executionId > b.executionId ? 1 : 0;
}

/** Maps constraint violations of a write that stores node runs to domain errors. */
async function nodeRunWrite<T>(executionId: string, write: () => Promise<T>): Promise<T> {
  try {
    return await write();
  } catch (error) {
    const violated = violatedConstraint(error);
    if (violated === "foreign_key") throw executionNotFound(executionId);
    if (violated !== "unique") throw error;
    throw new DomainError(
      "conflict",
      "CONFLICT",
      `a node run with one of these sequence numbers is already stored for execution ${executionId}`,
      { metadata: { execution_id: executionId }, cause: error },
    );
  }
}

function executionNotFound(executionId: string): DomainError {
  return DomainError.notFound(`execution ${executionId} not found`, {
    execution_id: executionId,
  });
}
