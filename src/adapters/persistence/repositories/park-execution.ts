import type { NodeRun } from "../../../domain/execution/node-run.js";
import type { ParkedRun } from "../../../ports/execution-repository.js";
import type { SqlDatabase } from "../database/sql-database.js";
import { postgresAppendNodeRuns } from "../statements/node-run-statements.js";
import { parkExecution } from "../statements/wait-statements.js";
import { insertNodeRunsOnSqlite, nodeRunRecords } from "./store-node-runs.js";

/**
 * Stores the node runs not stored yet, the checkpoint and the wait, and gives up the lease, in
 * one transaction (one group-commit unit on SQLite). The runs are stored even when the lease
 * was lost meanwhile (as with finish); the wait applies only while `owner` holds the run.
 */
export function parkExecutionWithRuns(
  db: SqlDatabase,
  owner: string,
  parked: ParkedRun,
  runs: readonly NodeRun[],
  now: Date,
): Promise<boolean> {
  const executionId = parked.executionId;
  return db.atomic(async (tx) => {
    let added = runs.length;
    if (runs.length > 0 && db.dialect === "postgresql") {
      await db.run(
        postgresAppendNodeRuns,
        { runs: nodeRunRecords(executionId, runs), checkpoint: parked.checkpoint, executionId },
        tx,
      );
      added = 0;
    } else if (runs.length > 0) {
      await insertNodeRunsOnSqlite(db, tx, executionId, runs);
    }
    const { rows } = await db.run(
      parkExecution,
      {
        executionId,
        owner,
        wakeAt: parked.wakeAt,
        waitReason: parked.reason,
        waitNodes: parked.nodeIds,
        checkpoint: parked.checkpoint,
        added,
        now,
      },
      tx,
    );
    return rows.length > 0;
  });
}
