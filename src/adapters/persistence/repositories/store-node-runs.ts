import type { NodeRun } from "../../../domain/execution/node-run.js";
import type { JsonValue } from "../../../domain/json.js";
import type { SqlDatabase } from "../database/sql-database.js";
import type { QueryRunner } from "../database/statement.js";
import { nodeRunToRow } from "../mappers/node-run-rows.js";
import {
  postgresAppendNodeRuns,
  sqliteCheckpoint,
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
 * Inserts the runs and replaces the checkpoint atomically: one statement on PostgreSQL, one
 * group-commit unit on SQLite. Returns false when there is no such execution.
 */
export async function appendNodeRuns(
  db: SqlDatabase,
  executionId: string,
  runs: readonly NodeRun[],
  checkpoint: JsonValue | null,
): Promise<boolean> {
  if (db.dialect === "postgresql") {
    const { changed } = await db.run(postgresAppendNodeRuns, {
      runs: nodeRunRecords(executionId, runs),
      checkpoint,
      executionId,
    });
    return changed > 0;
  }
  return db.atomic(async (tx) => {
    await insertNodeRunsOnSqlite(db, tx, executionId, runs);
    const { changed } = await db.run(
      sqliteCheckpoint,
      { checkpoint, added: runs.length, executionId },
      tx,
    );
    return changed > 0;
  });
}
