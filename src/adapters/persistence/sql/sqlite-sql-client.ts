import type { KnexPool } from "./knex-pool.js";
import type { SqlClient, SqlParam, SqlRow, SqlStatement } from "./sql-client.js";
import {
  prepared,
  queryAll,
  queryRun,
  rollBack,
  runAtomic,
  type SqliteDatabase,
} from "./sqlite-statements.js";

/** A write waiting for the next group commit; `execute` runs synchronously inside it. */
interface QueuedWrite {
  execute(db: SqliteDatabase): unknown;
  resolve(value: unknown): void;
  reject(error: unknown): void;
}

const maxWritesPerCommit = 1000;

/**
 * SQLite through the ORM's single better-sqlite3 connection.
 *
 * better-sqlite3 is synchronous, so work done while no transaction is open on the connection
 * cannot interleave with anything: such reads run at once, skipping the pool (whose acquire
 * costs more than the statement). While a transaction is open (the ORM's, or `transaction()`),
 * everything queues for the pooled connection like everybody else.
 *
 * Writes are group-committed: the writes issued during one event-loop turn run in one
 * transaction on the next turn, each resolving after that COMMIT. A commit costs far more than
 * a statement here (measured ~150 µs on the target disk even with synchronous = NORMAL), so
 * this is what lets one SQLite file keep up with the API. A failing write (a constraint, say)
 * is undone alone and rejects alone; the others still commit.
 */
export class SqliteSqlClient implements SqlClient {
  readonly dialect = "sqlite" as const;
  private db: SqliteDatabase | null = null;
  private queue: QueuedWrite[] = [];
  private flushScheduled = false;

  constructor(private readonly pool: KnexPool<SqliteDatabase>) {}

  async all<T extends SqlRow = SqlRow>(
    sql: string,
    params: readonly SqlParam[] = [],
  ): Promise<T[]> {
    const db = this.idleConnection();
    if (db !== null && prepared(db, sql).readonly) return queryAll<T>(db, sql, params);
    if (db === null && (await this.isReadonly(sql))) {
      return this.withPooled((pooled) => queryAll<T>(pooled, sql, params));
    }
    return this.enqueue((writer) => queryAll<T>(writer, sql, params));
  }

  async run(sql: string, params: readonly SqlParam[] = []): Promise<number> {
    return this.enqueue((db) => queryRun(db, sql, params));
  }

  /** One unit inside the group commit, undone as a whole if any statement fails. */
  atomic(statements: readonly SqlStatement[]): Promise<number[]> {
    return this.enqueue((db) => runAtomic(db, statements));
  }

  transaction<T>(work: (tx: SqlClient) => Promise<T>): Promise<T> {
    return this.withPooled(async (db) => {
      queryRun(db, "begin immediate", []);
      try {
        const result = await work(new SqliteTransaction(db));
        queryRun(db, "commit", []);
        return result;
      } catch (error) {
        rollBack(db);
        throw error;
      }
    });
  }

  async drain(): Promise<void> {
    while (this.flushScheduled) await new Promise((resolve) => setImmediate(resolve));
  }

  private enqueue<T>(execute: (db: SqliteDatabase) => T): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.queue.push({ execute, resolve: resolve as (value: unknown) => void, reject });
      if (!this.flushScheduled) {
        this.flushScheduled = true;
        setImmediate(() => void this.flush());
      }
    });
  }

  private async flush(): Promise<void> {
    const idle = this.idleConnection();
    if (idle !== null) {
      this.commitQueued(idle);
    } else {
      try {
        await this.withPooled((db) => this.commitQueued(db));
      } catch (error) {
        for (const write of this.queue.splice(0, maxWritesPerCommit)) write.reject(error);
      }
    }
    this.flushScheduled = this.queue.length > 0;
    if (this.flushScheduled) setImmediate(() => void this.flush());
  }

  /** Runs queued writes in one transaction, synchronously, so nothing can interleave. */
  private commitQueued(db: SqliteDatabase): void {
    const batch = this.queue.splice(0, maxWritesPerCommit);
    if (batch.length === 0) return;
    try {
      queryRun(db, "begin immediate", []);
    } catch (error) {
      for (const write of batch) write.reject(error);
      return;
    }
    const outcomes: ({ ok: true; value: unknown } | { ok: false; error: unknown })[] = [];
    for (const write of batch) {
      try {
        outcomes.push({ ok: true, value: write.execute(db) });
      } catch (error) {
        if (!db.inTransaction) {
          // SQLite rolled the whole transaction back (disk full, I/O error): nothing stuck.
          for (const each of batch) each.reject(error);
          return;
        }
        outcomes.push({ ok: false, error });
      }
    }
    try {
      queryRun(db, "commit", []);
    } catch (error) {
      rollBack(db);
      for (const write of batch) write.reject(error);
      return;
    }
    batch.forEach((write, index) => {
      const outcome = outcomes[index];
      if (outcome?.ok) write.resolve(outcome.value);
      else write.reject(outcome?.error);
    });
  }

  private idleConnection(): SqliteDatabase | null {
    const db = this.db;
    return db?.open && !db.inTransaction ? db : null;
  }

  private isReadonly(sql: string): Promise<boolean> {
    return this.withPooled((db) => prepared(db, sql).readonly);
  }

  private async withPooled<T>(work: (db: SqliteDatabase) => T | Promise<T>): Promise<T> {
    const db = await this.pool.acquireConnection();
    this.db = db;
    try {
      return await work(db);
    } finally {
      await this.pool.releaseConnection(db);
    }
  }
}

/** Statements inside `transaction()`: they run directly on the held connection. */
class SqliteTransaction implements SqlClient {
  readonly dialect = "sqlite" as const;

  constructor(private readonly db: SqliteDatabase) {}

  async all<T extends SqlRow = SqlRow>(
    sql: string,
    params: readonly SqlParam[] = [],
  ): Promise<T[]> {
    return queryAll<T>(this.db, sql, params);
  }

  async run(sql: string, params: readonly SqlParam[] = []): Promise<number> {
    return queryRun(this.db, sql, params);
  }

  async atomic(statements: readonly SqlStatement[]): Promise<number[]> {
    return runAtomic(this.db, statements);
  }

  transaction<T>(work: (tx: SqlClient) => Promise<T>): Promise<T> {
    return work(this);
  }

  async drain(): Promise<void> {}
}
