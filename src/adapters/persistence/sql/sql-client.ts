import type { Dialect } from "../dialect.js";

/** A list parameter is bound as a JSON array on SQLite and as an array on PostgreSQL. */
export type SqlParam = string | number | boolean | Date | null | readonly string[];
export type SqlRow = Record<string, unknown>;

export interface SqlStatement {
  sql: string;
  params: readonly SqlParam[];
}

/**
 * Plain SQL on a connection borrowed from the ORM's pool, for the hot paths and the queries the
 * ORM would only slow down. Statements use `?` placeholders on both dialects and are prepared
 * once per connection.
 */
export interface SqlClient {
  readonly dialect: Dialect;
  /** Rows of a SELECT or of a statement with RETURNING. */
  all<T extends SqlRow = SqlRow>(sql: string, params?: readonly SqlParam[]): Promise<T[]>;
  /** Number of rows an INSERT, UPDATE or DELETE changed. */
  run(sql: string, params?: readonly SqlParam[]): Promise<number>;
  /** Runs the statements in order, all or nothing; resolves to each one's changed-row count. */
  atomic(statements: readonly SqlStatement[]): Promise<number[]>;
  /** Runs `work` in one transaction on one connection; rolls back when it throws. */
  transaction<T>(work: (tx: SqlClient) => Promise<T>): Promise<T>;
  /** Resolves once writes issued so far are settled (before closing the pool). */
  drain(): Promise<void>;
}
