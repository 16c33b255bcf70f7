import type { NodeRun } from "../../../domain/execution/node-run.js";
import type { ExecutionOutcome } from "../../../ports/execution-repository.js";
import { nodeRunColumns, nodeRunRecord } from "../mappers/node-run-rows.js";
import type { SqlClient } from "../sql/sql-client.js";
import { nodeRunRecordTypes } from "./append-node-runs.js";
import { finishExecution } from "./finish-execution.js";

interface QueuedFinish {
  executionId: string;
  outcome: ExecutionOutcome;
  runs: readonly NodeRun[];
  resolve(applied: boolean): void;
  reject(error: unknown): void;
}

const outcomeColumns = {
  execution_id: "text",
  status: "text",
  end_time: "timestamptz",
  duration_ms: "double precision",
  nodes_executed: "int",
  total_nodes: "int",
  failed_nodes: "jsonb",
  error_reason: "text",
  error_message: "text",
  error_node_id: "text",
  final_output: "jsonb",
  final_variables: "jsonb",
} as const;

const recordset = (columns: Record<string, string>) =>
  Object.entries(columns)
    .map(([name, type]) => `${name} ${type}`)
    .join(", ");

/**
 * The terminal states of several executions and their last node runs in one statement, with
 * the same compare-and-set as one finish: only rows still pending or running change, and the
 * node runs are stored either way. Returns the ids whose state applied.
 */
const batchSql = `
with batch as (
  select * from jsonb_to_recordset(?::jsonb) as b(${recordset(outcomeColumns)})
),
inserted as (
  insert into workflow_node_executions (execution_id, ${nodeRunColumns.join(", ")})
  select r.execution_id, ${nodeRunColumns.map((c) => `r.${c}`).join(", ")}
  from jsonb_to_recordset(?::jsonb) as r(execution_id text, ${recordset(nodeRunRecordTypes)})
  returning execution_id
),
added as (select execution_id, count(*) as n from inserted group by execution_id)
update workflow_executions e
set status = b.status, end_time = b.end_time, duration_ms = b.duration_ms,
    execution_time_seconds = b.duration_ms / 1000, nodes_executed = b.nodes_executed,
    total_nodes = coalesce(b.total_nodes, e.total_nodes), failed_nodes = b.failed_nodes,
    error_reason = b.error_reason, error_message = b.error_message,
    error_node_id = b.error_node_id, final_output = b.final_output,
    final_variables = b.final_variables, lease_owner = null, lease_expires_at = null,
    updated_at = b.end_time, node_run_count = e.node_run_count + coalesce(a.n, 0)
from batch b left join added a on a.execution_id = b.execution_id
where e.execution_id = b.execution_id and e.status in ('pending', 'running')
returning e.execution_id`;

/**
 * PostgreSQL: finishes requested during one event-loop turn go to the database as one
 * statement. Runs claimed together end together, so under load this turns one round trip per
 * execution into one per batch. A batch the database refuses (a node run's sequence already
 * stored, an unknown execution) is retried one finish at a time, so each caller gets its own
 * answer or error.
 */
export class PostgresFinishBatch {
  private queue: QueuedFinish[] = [];

  constructor(private readonly sql: SqlClient) {}

  finish(
    executionId: string,
    outcome: ExecutionOutcome,
    runs: readonly NodeRun[],
  ): Promise<boolean> {
    return new Promise<boolean>((resolve, reject) => {
      this.queue.push({ executionId, outcome, runs, resolve, reject });
      if (this.queue.length === 1) setImmediate(() => void this.flush());
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
        const applied = new Set(
          (await this.sql.all(batchSql, batchParams(batch))).map((row) => String(row.execution_id)),
        );
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
        item.resolve(
          await finishExecution(this.sql, "postgresql", item.executionId, item.outcome, item.runs),
        );
      } catch (error) {
        item.reject(error);
      }
    }
  }
}

function batchParams(batch: readonly QueuedFinish[]): [string, string] {
  const outcomes = batch.map(({ executionId, outcome }) => ({
    execution_id: executionId,
    status: outcome.status,
    end_time: outcome.completedAt.toISOString(),
    duration_ms: outcome.durationMs,
    nodes_executed: outcome.nodesExecuted,
    total_nodes: outcome.totalNodes ?? null,
    failed_nodes: outcome.failedNodes,
    error_reason: outcome.errorReason,
    error_message: outcome.errorMessage,
    error_node_id: outcome.errorNodeId,
    final_output: outcome.finalOutput,
    final_variables: outcome.finalVariables,
  }));
  const runs = batch.flatMap(({ executionId, runs }) =>
    runs.map((run) => ({ execution_id: executionId, ...nodeRunRecord(run) })),
  );
  return [JSON.stringify(outcomes), JSON.stringify(runs)];
}
