import type { NodeRun } from "../../../domain/execution/node-run.js";
import type { ExecutionOutcome, FinishGuard } from "../../../ports/execution-repository.js";
import type { SqlDatabase } from "../database/sql-database.js";
import { postgresFinishBatch, sqliteFinish } from "../statements/finish-statements.js";
import { insertNodeRunsOnSqlite, nodeRunRecords } from "./store-node-runs.js";

interface QueuedFinish {
  executionId: string;
  outcome: ExecutionOutcome;
  runs: readonly NodeRun[];
  guard: FinishGuard | undefined;
  resolve(applied: boolean): void;
  reject(error: unknown): void;
}

/**
 * Writes terminal states with a compare-and-set (only a run still pending or running changes,
 * and with a guard only under that claim), together with the node runs not stored yet, which
 * are stored only with the state. SQLite: one group-commit unit per finish. PostgreSQL: the finishes requested during
 * one event-loop turn go to the database as one statement (runs claimed together end
 * together, so under load this turns one round trip per execution into one per batch); a
 * batch the database refuses (a node run's sequence already stored, an unknown execution) is
 * retried one finish at a time, so each caller gets its own answer or error.
 */
export class ExecutionFinisher {
  private queue: QueuedFinish[] = [];

  constructor(private readonly db: SqlDatabase) {}

  finish(
    executionId: string,
    outcome: ExecutionOutcome,
    runs: readonly NodeRun[],
    guard?: FinishGuard,
  ): Promise<boolean> {
    if (this.db.dialect === "sqlite") return this.finishOnSqlite(executionId, outcome, runs, guard);
    return new Promise<boolean>((resolve, reject) => {
      this.queue.push({ executionId, outcome, runs, guard, resolve, reject });
      if (this.queue.length === 1) setImmediate(() => void this.flush());
    });
  }

  private finishOnSqlite(
    executionId: string,
    outcome: ExecutionOutcome,
    runs: readonly NodeRun[],
    guard: FinishGuard | undefined,
  ): Promise<boolean> {
    return this.db.atomic(async (tx) => {
      const { changed } = await this.db.run(
        sqliteFinish,
        {
          executionId,
          status: outcome.status,
          endTime: outcome.completedAt,
          durationMs: outcome.durationMs,
          executionTimeSeconds: outcome.durationMs / 1000,
          nodesExecuted: outcome.nodesExecuted,
          totalNodes: outcome.totalNodes ?? null,
          failedNodes: outcome.failedNodes,
          errorReason: outcome.errorReason,
          errorMessage: outcome.errorMessage,
          errorNodeId: outcome.errorNodeId,
          finalOutput: outcome.finalOutput,
          finalVariables: outcome.finalVariables,
          added: runs.length,
          claimCount: guard?.token ?? null,
          owner: guard?.owner ?? null,
        },
        tx,
      );
      if (changed === 0) return false;
      await insertNodeRunsOnSqlite(this.db, tx, executionId, runs);
      return true;
    });
  }

  private async flush(): Promise<void> {
    const queued = this.queue;
    this.queue = [];
    // The same execution twice in one statement would update its row once: later ones wait.
    const seen = new Set<string>();
    const batch: QueuedFinish[] = [];
    const later: QueuedFinish[] = [];
    for (const item of queued) {
      if (seen.has(item.executionId)) later.push(item);
      else {
        seen.add(item.executionId);
        batch.push(item);
      }
    }
    if (batch.length > 1) {
      try {
        const applied = await this.finishOnPostgres(batch);
        for (const item of batch) item.resolve(applied.has(item.executionId));
      } catch {
        await this.oneByOne(batch);
      }
    } else {
      await this.oneByOne(batch);
    }
    await this.oneByOne(later);
  }

  private async oneByOne(items: readonly QueuedFinish[]): Promise<void> {
    for (const item of items) {
      try {
        item.resolve((await this.finishOnPostgres([item])).has(item.executionId));
      } catch (error) {
        item.reject(error);
      }
    }
  }

  private async finishOnPostgres(batch: readonly QueuedFinish[]): Promise<Set<string>> {
    const outcomes = batch.map(({ executionId, outcome, runs, guard }) => ({
      execution_id: executionId,
      status: outcome.status,
      end_time: outcome.completedAt,
      duration_ms: outcome.durationMs,
      execution_time_seconds: outcome.durationMs / 1000,
      nodes_executed: outcome.nodesExecuted,
      total_nodes: outcome.totalNodes ?? null,
      failed_nodes: outcome.failedNodes,
      error_reason: outcome.errorReason,
      error_message: outcome.errorMessage,
      error_node_id: outcome.errorNodeId,
      final_output: outcome.finalOutput,
      final_variables: outcome.finalVariables,
      node_run_count: runs.length,
      claim_count: guard?.token ?? null,
      lease_owner: guard?.owner ?? null,
    }));
    const runs = batch.flatMap(({ executionId, runs }) => nodeRunRecords(executionId, runs));
    const { rows } = await this.db.run(postgresFinishBatch, { outcomes, runs });
    return new Set(rows.map((row) => row.execution_id));
  }
}
