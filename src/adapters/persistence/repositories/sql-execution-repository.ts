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
} from "../../../ports/execution-repository.js";
import { auditEventInsertParams, insertAuditEventSql } from "../mappers/audit-event-rows.js";
import {
  executionFromRow,
  executionInsertParams,
  insertExecutionSql,
} from "../mappers/execution-rows.js";
import { nodeRunColumns, nodeRunFromRow } from "../mappers/node-run-rows.js";
import type { PersistenceContext } from "../persistence-context.js";
import type { SqlParam, SqlRow } from "../sql/sql-client.js";
import { violatedConstraint } from "../sql/sql-errors.js";
import { inList } from "../sql/sql-fragments.js";
import { appendNodeRuns } from "./append-node-runs.js";
import { claimExecutions, releasedLeaseExpiry } from "./claim-executions.js";
import { decodeExecutionCursor, encodeExecutionCursor } from "./execution-cursor.js";
import {
  executionListWhere,
  executionOrderBy,
  isNewestFirst,
  newestFirst,
} from "./execution-list-query.js";
import { finishExecution } from "./finish-execution.js";
import { PostgresFinishBatch } from "./postgres-finish-batch.js";

/** Both inserts run, in one statement; the audit row does not read the execution's. */
const insertWithAuditSql = `with execution as (${insertExecutionSql} returning 1) ${insertAuditEventSql}`;

const nodeRunsWithoutLogs = nodeRunColumns.filter((column) => column !== "logs").join(", ");

/**
 * Executions and their node runs, in plain SQL: every operation is one statement (appending
 * node runs on SQLite: one short transaction), with no ORM change tracking on the hot path.
 */
export class SqlExecutionRepository implements ExecutionRepository {
  private readonly finishBatch: PostgresFinishBatch | null;

  constructor(private readonly db: PersistenceContext) {
    this.finishBatch = db.dialect === "postgresql" ? new PostgresFinishBatch(db.sql) : null;
  }

  /**
   * A duplicate id or idempotency key is ALREADY_EXISTS; an unknown workflow is
   * WORKFLOW_NOT_FOUND. PostgreSQL: one statement; SQLite: one unit of the group commit.
   */
  async insert(execution: Execution, audit: AuditEvent): Promise<void> {
    const executionParams = executionInsertParams(execution);
    const auditParams = auditEventInsertParams(audit);
    try {
      if (this.db.dialect === "postgresql") {
        await this.db.sql.run(insertWithAuditSql, [...executionParams, ...auditParams]);
      } else {
        await this.db.sql.atomic([
          { sql: insertExecutionSql, params: executionParams },
          { sql: insertAuditEventSql, params: auditParams },
        ]);
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
    const rows = await this.db.sql.all(
      "select * from workflow_executions where triggered_by = ? and idempotency_key = ? and created_at >= ?",
      [triggeredBy, key, since],
    );
    return rows[0] === undefined ? null : this.execution(rows[0]);
  }

  async get(
    executionId: string,
    options: { nodeRuns: boolean; logs: boolean },
  ): Promise<ExecutionWithNodeRuns | null> {
    const rows = await this.db.sql.all("select * from workflow_executions where execution_id = ?", [
      executionId,
    ]);
    if (rows[0] === undefined) return null;
    const execution = this.execution(rows[0]);
    if (!options.nodeRuns) return { ...execution, nodeRuns: [] };
    const columns = options.logs ? "*" : nodeRunsWithoutLogs;
    const runs = await this.db.sql.all(
      `select ${columns} from workflow_node_executions where execution_id = ? order by sequence`,
      [executionId],
    );
    return { ...execution, nodeRuns: runs.map((row) => nodeRunFromRow(row, this.db.values)) };
  }

  async list(filter: ExecutionListFilter, paging: ExecutionPaging): Promise<ExecutionListPage> {
    const { conditions, params } = executionListWhere(this.db.dialect, filter);
    if (paging.kind === "offset") {
      const where = conditions.join(" and ");
      const order = executionOrderBy(paging.sort);
      const [rows, counts] = await Promise.all([
        this.db.sql.all(
          `select * from workflow_executions where ${where} ${order} limit ? offset ?`,
          [...params, paging.perPage, (paging.page - 1) * paging.perPage],
        ),
        this.db.sql.all(`select count(*) as total from workflow_executions where ${where}`, params),
      ]);
      const items = rows.map((row) => this.execution(row));
      const total = Number(counts[0]?.total ?? 0);
      const last = items.at(-1);
      // A cursor continues in the default order only.
      const more = paging.page * paging.perPage < total && isNewestFirst(paging.sort);
      return { items, total, nextCursor: more && last ? encodeExecutionCursor(last) : null };
    }
    const keyset: SqlParam[] = [];
    if (paging.cursor !== null) {
      const after = decodeExecutionCursor(paging.cursor);
      conditions.push("(created_at, execution_id) < (?, ?)");
      keyset.push(after.createdAt, after.executionId);
    }
    const rows = await this.db.sql.all(
      `select * from workflow_executions where ${conditions.join(" and ")} ${newestFirst} limit ?`,
      [...params, ...keyset, paging.perPage + 1],
    );
    const items = rows.slice(0, paging.perPage).map((row) => this.execution(row));
    const last = items.at(-1);
    return {
      items,
      nextCursor: rows.length > paging.perPage && last ? encodeExecutionCursor(last) : null,
    };
  }

  async claim(
    owner: string,
    now: Date,
    leaseUntil: Date,
    limit: number,
  ): Promise<ClaimedExecution[]> {
    if (limit <= 0) return [];
    const rows = await claimExecutions(this.db.sql, this.db.dialect, owner, now, leaseUntil, limit);
    const claimed = rows.map((row) => ({
      execution: this.execution(row),
      checkpoint: this.db.values.jsonOrNull<JsonValue>(row.checkpoint),
      nodeRuns: [] as NodeRun[],
      resumable: Number(row.node_run_count) > 0,
    }));
    claimed.sort((a, b) => compareOldestFirst(a.execution, b.execution));
    const resumed = claimed.filter((c) => c.resumable).map((c) => c.execution.executionId);
    if (resumed.length > 0) {
      const runs = await this.db.sql.all(
        `select * from workflow_node_executions where ${inList(this.db.dialect, "execution_id")} order by execution_id, sequence`,
        [resumed],
      );
      const byExecution = new Map(claimed.map((c) => [c.execution.executionId, c.nodeRuns]));
      for (const row of runs) {
        byExecution.get(String(row.execution_id))?.push(nodeRunFromRow(row, this.db.values));
      }
    }
    return claimed.map(({ execution, checkpoint, nodeRuns }) => ({
      execution,
      checkpoint,
      nodeRuns,
    }));
  }

  async renewLeases(owner: string, executionIds: string[], leaseUntil: Date): Promise<string[]> {
    if (executionIds.length === 0) return [];
    const rows = await this.db.sql.all(
      `update workflow_executions set lease_expires_at = ? where lease_owner = ? and status = 'running' and ${inList(this.db.dialect, "execution_id")} returning execution_id`,
      [leaseUntil, owner, executionIds],
    );
    return rows.map((row) => String(row.execution_id));
  }

  async appendNodeRuns(
    executionId: string,
    runs: NodeRun[],
    checkpoint: JsonValue | null,
  ): Promise<void> {
    const found = await nodeRunWrite(executionId, () =>
      appendNodeRuns(this.db.sql, this.db.dialect, executionId, runs, checkpoint),
    );
    if (!found) throw executionNotFound(executionId);
  }

  finish(
    executionId: string,
    outcome: ExecutionOutcome,
    nodeRuns: NodeRun[] = [],
  ): Promise<boolean> {
    return nodeRunWrite(executionId, () =>
      this.finishBatch === null
        ? finishExecution(this.db.sql, this.db.dialect, executionId, outcome, nodeRuns)
        : this.finishBatch.finish(executionId, outcome, nodeRuns),
    );
  }

  async requestCancel(executionId: string, at: Date): Promise<boolean> {
    const changed = await this.db.sql.run(
      "update workflow_executions set cancel_requested_at = coalesce(cancel_requested_at, ?), updated_at = ? where execution_id = ? and status in ('pending', 'running', 'paused')",
      [at, at, executionId],
    );
    return changed > 0;
  }

  async listCancelRequested(executionIds: string[]): Promise<string[]> {
    if (executionIds.length === 0) return [];
    const rows = await this.db.sql.all(
      `select execution_id from workflow_executions where cancel_requested_at is not null and ${inList(this.db.dialect, "execution_id")}`,
      [executionIds],
    );
    return rows.map((row) => String(row.execution_id));
  }

  async releaseLeases(owner: string, executionIds: string[]): Promise<void> {
    if (executionIds.length === 0) return;
    await this.db.sql.run(
      `update workflow_executions set lease_owner = null, lease_expires_at = ? where lease_owner = ? and status = 'running' and ${inList(this.db.dialect, "execution_id")}`,
      [releasedLeaseExpiry, owner, executionIds],
    );
  }

  async releaseIdempotencyKey(triggeredBy: string, key: string, before: Date): Promise<void> {
    await this.db.sql.run(
      "update workflow_executions set idempotency_key = null where triggered_by = ? and idempotency_key = ? and created_at < ?",
      [triggeredBy, key, before],
    );
  }

  private execution(row: SqlRow): Execution {
    return executionFromRow(row, this.db.values);
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
