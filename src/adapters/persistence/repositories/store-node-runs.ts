import type { NodeRun } from "../../../domain/execution/node-run.js";
import type { JsonValue } from "../../../domain/json.js";
import type { Fence } from "../../../ports/execution-repository.js";
import type { SqlDatabase } from "../database/sql-database.js";
import type { QueryRunner } from "../database/statement.js";
import { nodeRunToRow } from "../mappers/node-run-rows.js";
import {
  postgresAppendNodeRuns,
  postgresAppendNodeRunsFenced,
  sqliteCheckpoint,
  sqliteCheckpointFenced,
  sqliteNodeRunInserts,
  sqliteRowsPerInsert,
} from "../statements/node-run-statements.js";

/** The node runs as one JSON array of table rows (PostgreSQL expands it in the statement). */
export function nodeRunRecords(executionId: string, runs: readonly NodeRun[]) {
  return runs.map((run) => nodeRunToRow(executionId, run));
}

/** SQLite: inserts the runs in multi-row INSERTs, inside the caller's unit of work. */
export async function insertNodeRunsOnSqlite(
  db: SqlDatabase,
  tx: QueryRunner,
  executionId: string,
  runs: readonly NodeRun[],
): Promise<void> {
  for (let start = 0; start < runs.length; start += sqliteRowsPerInsert) {
    const chunk = runs.slice(start, start + sqliteRowsPerInsert);
    const insert = sqliteNodeRunInserts[chunk.length - 1] as (typeof sqliteNodeRunInserts)[number];
    await db.run(insert, { runs: chunk.map((run) => nodeRunToRow(executionId, run)) }, tx);
  }
}

/**
 * Replaces the checkpoint and inserts the runs atomically: one statement on PostgreSQL, one
 * group-commit unit on SQLite. Returns false when nothing was written: there is no such
 * execution or, with a fence, the run is no longer running under that claim.
 */
export async function appendNodeRuns(
  db: SqlDatabase,
  executionId: string,
  runs: readonly NodeRun[],
  checkpoint: JsonValue | null,
  fence: Fence | undefined,
): Promise<boolean> {
  const values = {
    checkpoint,
    executionId,
    added: runs.length,
    owner: fence?.owner ?? "",
    token: fence?.token ?? 0,
  };
  if (db.dialect === "postgresql") {
    const statement = fence === undefined ? postgresAppendNodeRuns : postgresAppendNodeRunsFenced;
    const { rows } = await db.run(statement, {
      ...values,
      runs: nodeRunRecords(executionId, runs),
    });
    return rows.length > 0;
  }
  return db.atomic(async (tx) => {
    const statement = fence === undefined ? sqliteCheckpoint : sqliteCheckpointFenced;
    const { changed } = await db.run(statement, values, tx);
    if (changed === 0) return false;
    await insertNodeRunsOnSqlite(db, tx, executionId, runs);
    return true;
  });
}
