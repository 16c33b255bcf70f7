import type { NodeRun } from "../../../domain/execution/node-run.js";
import type { Fence, ParkedRun, ParkOutcome } from "../../../ports/execution-repository.js";
import type { SqlDatabase } from "../database/sql-database.js";
import { postgresAppendNodeRunsFenced } from "../statements/node-run-statements.js";
import { parkExecution } from "../statements/wait-statements.js";
import { insertNodeRunsOnSqlite, nodeRunRecords } from "./store-node-runs.js";

/**
 * Stores the node runs not stored yet, the checkpoint and the wait, and gives up the lease, in
 * one transaction (one group-commit unit on SQLite). Every write is fenced by the claim: when
 * the run is no longer running under `fence`, nothing is written ("lease_lost").
 */
export function parkExecutionWithRuns(
  db: SqlDatabase,
  fence: Fence,
  parked: ParkedRun,
  runs: readonly NodeRun[],
  now: Date,
): Promise<ParkOutcome> {
  const executionId = parked.executionId;
  return db.atomic(async (tx) => {
    let added = runs.length;
    if (runs.length > 0 && db.dialect === "postgresql") {
      // Fenced, and it locks the row: the park below, in the same transaction, then matches.
      const stored = await db.run(
        postgresAppendNodeRunsFenced,
        {
          runs: nodeRunRecords(executionId, runs),
          checkpoint: parked.checkpoint,
          executionId,
          added: runs.length,
          owner: fence.owner,
          token: fence.token,
        },
        tx,
      );
      if (stored.rows.length === 0) return "lease_lost";
      added = 0;
    }
    const { rows } = await db.run(
      parkExecution,
      {
        executionId,
        owner: fence.owner,
        token: fence.token,
        wakeAt: parked.wakeAt,
        waitReason: parked.reason,
        waitNodes: parked.nodeIds,
        checkpoint: parked.checkpoint,
        added,
        now,
      },
      tx,
    );
    const row = rows[0];
    if (row === undefined) return "lease_lost";
    // SQLite: the park matched first, so the runs are inserted only under the claim.
    if (runs.length > 0 && db.dialect === "sqlite") {
      await insertNodeRunsOnSqlite(db, tx, executionId, runs);
    }
    return row.cancel_requested_at === null ? "parked" : "cancel_requested";
  });
}
