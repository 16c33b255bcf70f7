import type { KnexPool } from "./knex-pool.js";
import type { SqlClient, SqlParam, SqlRow } from "./sql-client.js";

/** The slice of better-sqlite3 used here. */
export interface SqliteDatabase {
  readonly open: boolean;
  readonly inTransaction: boolean;
  prepare(sql: string): SqliteStatement;
}

interface SqliteStatement {
  readonly reader: boolean;
  all(...params: unknown[]): unknown[];
  run(...params: unknown[]): { changes: number };
}

const statementCache = new WeakMap<SqliteDatabase, Map<string, SqliteStatement>>();
const maxCachedStatements = 500;

/**
 * SQLite through the ORM's single better-sqlite3 connection. better-sqlite3 is synchronous, so
 * a statement run while no transaction is open on the connection cannot interleave with
 * anything: single statements take that fast path and skip the pool (whose acquire costs more
 * than the statement). While a transaction is open (ours or the ORM's), they queue for the
 * connection in the pool like everybody else. Transactions always hold the pooled connection.
 * Dates are stored as epoch milliseconds and booleans as 0/1, as MikroORM does.
 */
export class SqliteSqlClient implements SqlClient {
  readonly dialect = "sqlite" as const;
  private db: SqliteDatabase | null = null;

  constructor(private readonly pool: KnexPool<SqliteDatabase>) {}

  async all<T extends SqlRow = SqlRow>(
    sql: string,
    params: readonly SqlParam[] = [],
  ): Promise<T[]> {
    const idle = this.idleConnection();
    if (idle !== null) return queryAll<T>(idle, sql, params);
    return this.withPooled((db) => queryAll<T>(db, sql, params));
  }

  async run(sql: string, params: readonly SqlParam[] = []): Promise<number> {
    const idle = this.idleConnection();
    if (idle !== null) return queryRun(idle, sql, params);
    return this.withPooled((db) => queryRun(db, sql, params));
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

  private idleConnection(): SqliteDatabase | null {
    const db = this.db;
    return db?.open && !db.inTransaction ? db : null;
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

  transaction<T>(work: (tx: SqlClient) => Promise<T>): Promise<T> {
    return work(this);
  }
}

function queryAll<T>(db: SqliteDatabase, sql: string, params: readonly SqlParam[]): T[] {
  return statement(db, sql).all(...params.map(toSqlite)) as T[];
}

function queryRun(db: SqliteDatabase, sql: string, params: readonly SqlParam[]): number {
  const prepared = statement(db, sql);
  if (prepared.reader) return prepared.all(...params.map(toSqlite)).length;
  return prepared.run(...params.map(toSqlite)).changes;
}

/** SQLite may already have rolled back (for example on SQLITE_FULL); that is fine. */
function rollBack(db: SqliteDatabase): void {
  try {
    queryRun(db, "rollback", []);
  } catch {
    // nothing left to roll back
  }
}

function statement(db: SqliteDatabase, sql: string): SqliteStatement {
  let cache = statementCache.get(db);
  if (cache === undefined) {
    cache = new Map();
    statementCache.set(db, cache);
  }
  let prepared = cache.get(sql);
  if (prepared === undefined) {
    if (cache.size >= maxCachedStatements) cache.clear();
    prepared = db.prepare(sql);
    cache.set(sql, prepared);
  }
  return prepared;
}

function toSqlite(value: SqlParam): string | number | null {
  if (value instanceof Date) return value.getTime();
  if (typeof value === "boolean") return value ? 1 : 0;
  if (Array.isArray(value)) return JSON.stringify(value);
  return value as string | number | null;
}
