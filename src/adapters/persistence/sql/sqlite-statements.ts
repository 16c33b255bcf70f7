import type { SqlParam } from "./sql-client.js";

/** The slice of better-sqlite3 used here. */
export interface SqliteDatabase {
  readonly open: boolean;
  readonly inTransaction: boolean;
  prepare(sql: string): SqliteStatement;
}

interface SqliteStatement {
  /** True when the statement returns rows (SELECT, … RETURNING). */
  readonly reader: boolean;
  /** True when it cannot change the database. */
  readonly readonly: boolean;
  all(...params: unknown[]): unknown[];
  run(...params: unknown[]): { changes: number };
}

const statementCache = new WeakMap<SqliteDatabase, Map<string, SqliteStatement>>();
const maxCachedStatements = 500;

/** The prepared statement for `sql` on this connection, prepared on first use. */
export function prepared(db: SqliteDatabase, sql: string): SqliteStatement {
  let cache = statementCache.get(db);
  if (cache === undefined) {
    cache = new Map();
    statementCache.set(db, cache);
  }
  let statement = cache.get(sql);
  if (statement === undefined) {
    if (cache.size >= maxCachedStatements) cache.clear();
    statement = db.prepare(sql);
    cache.set(sql, statement);
  }
  return statement;
}

export function queryAll<T>(db: SqliteDatabase, sql: string, params: readonly SqlParam[]): T[] {
  return prepared(db, sql).all(...params.map(toSqlite)) as T[];
}

export function queryRun(db: SqliteDatabase, sql: string, params: readonly SqlParam[]): number {
  const statement = prepared(db, sql);
  if (statement.reader) return statement.all(...params.map(toSqlite)).length;
  return statement.run(...params.map(toSqlite)).changes;
}

/** Runs the statements under a savepoint: all of them, or none when one throws. */
export function runAtomic(
  db: SqliteDatabase,
  statements: readonly { sql: string; params: readonly SqlParam[] }[],
): number[] {
  queryRun(db, "savepoint atomic_unit", []);
  try {
    const changes = statements.map((s) => queryRun(db, s.sql, s.params));
    queryRun(db, "release atomic_unit", []);
    return changes;
  } catch (error) {
    rollBack(db, "atomic_unit");
    throw error;
  }
}

/** SQLite may already have rolled back (for example on SQLITE_FULL); that is fine. */
export function rollBack(db: SqliteDatabase, savepoint?: string): void {
  try {
    if (savepoint === undefined) queryRun(db, "rollback", []);
    else {
      queryRun(db, `rollback to ${savepoint}`, []);
      queryRun(db, `release ${savepoint}`, []);
    }
  } catch {
    // nothing left to roll back
  }
}

/** Dates as epoch milliseconds and booleans as 0/1, as MikroORM stores them. */
function toSqlite(value: SqlParam): string | number | null {
  if (value instanceof Date) return value.getTime();
  if (typeof value === "boolean") return value ? 1 : 0;
  if (Array.isArray(value)) return JSON.stringify(value);
  return value as string | number | null;
}
