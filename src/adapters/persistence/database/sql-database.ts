import type { MikroORM } from "@mikro-orm/core";
import type { AbstractSqlConnection, SqlEntityManager } from "@mikro-orm/sql";
import type { CompiledQuery, Kysely } from "kysely";
import type { Dialect } from "../dialect.js";
import type { Database } from "../entities/index.js";
import { type ColumnValues, columnValues } from "./column-values.js";
import { nameStatement } from "./postgres-named-statements.js";
import { SqliteGroupCommit } from "./sqlite-group-commit.js";
import { bind, type ParamKind, type QueryRunner, type Statement } from "./statement.js";
import type { ColumnKind, TableColumn, TableColumns, TableName } from "./table-columns.js";

export interface StatementResult<R> {
  rows: R[];
  /** Rows an INSERT, UPDATE or DELETE changed. */
  changed: number;
}

/**
 * The database as the repositories use it: MikroORM's typed Kysely instance (on the ORM's own
 * connections and transactions), statements compiled once, and the values codec of the dialect.
 */
export class SqlDatabase {
  readonly kysely: Kysely<Database>;
  readonly values: ColumnValues;
  private readonly decoders = new Map<TableName, [string, ColumnKind][]>();
  private readonly groupCommit: SqliteGroupCommit | null;
  private readonly connection: AbstractSqlConnection;

  constructor(
    orm: MikroORM,
    readonly dialect: Dialect,
    readonly columns: TableColumns,
    private readonly onStatement?: (sql: string) => void,
  ) {
    this.kysely = (orm.em as SqlEntityManager).getKysely<Database>();
    this.connection = (orm.em as SqlEntityManager).getConnection();
    this.values = columnValues(dialect);
    for (const [table, list] of columns) {
      this.decoders.set(
        table,
        list.filter((c) => c.kind !== "plain").map((c) => [c.name, c.kind]),
      );
    }
    this.groupCommit =
      dialect === "sqlite" ? new SqliteGroupCommit((work) => this.transaction(work)) : null;
  }

  /** Runs a statement on `db` (a transaction's instance) or, by default, outside any transaction. */
  async run<P, R>(
    statement: Statement<P, R>,
    values: P,
    db: QueryRunner = this.kysely,
  ): Promise<StatementResult<R>> {
    const query = this.compile(statement, values);
    this.onStatement?.(query.sql);
    const result = await db.executeQuery(query);
    const rows = result.rows as Record<string, unknown>[];
    if (statement.table !== null) for (const row of rows) this.decode(statement.table, row);
    return { rows: rows as R[], changed: Number(result.numAffectedRows ?? 0) };
  }

  /** The statement's SQL with `values` bound, as the driver receives it. */
  compile<P, R>(statement: Statement<P, R>, values: P): CompiledQuery {
    const compiled = statement.compile(this.kysely, this.dialect, this.columnsOf, this.onCompiled);
    return bind(compiled, values as Record<string, unknown>, this.encode);
  }

  /**
   * Runs `work` in one transaction of the ORM's connection (MikroORM's connection-level
   * transaction: no entity manager is involved), on the connection the transaction holds;
   * rolls back when it throws.
   */
  transaction<T>(work: (db: QueryRunner) => Promise<T>): Promise<T> {
    return this.connection.transactional((trx) =>
      trx.getExecutor().provideConnection((connection) => work(connection)),
    );
  }

  /**
   * Runs one write statement. SQLite: inside the next group commit; PostgreSQL: at once.
   */
  write<T>(work: (db: QueryRunner) => Promise<T>): Promise<T> {
    return this.groupCommit === null ? work(this.kysely) : this.groupCommit.enqueue(work);
  }

  /**
   * Runs several statements all or nothing: on SQLite one unit of the group commit, on
   * PostgreSQL one transaction.
   */
  atomic<T>(work: (db: QueryRunner) => Promise<T>): Promise<T> {
    return this.groupCommit === null ? this.transaction(work) : this.groupCommit.enqueue(work);
  }

  /** One statement as a unit of writes (see `write`). */
  runWrite<P, R>(statement: Statement<P, R>, values: P): Promise<StatementResult<R>> {
    return this.write((db) => this.run(statement, values, db));
  }

  /** Converts a row's columns of `table` in place from driver values to JavaScript values. */
  decode<T>(table: TableName, row: Record<string, unknown>): T {
    for (const [column, kind] of this.decoders.get(table) ?? []) {
      if (column in row) row[column] = this.values.decode(kind, row[column]);
    }
    return row as T;
  }

  readonly columnsOf = (table: TableName): readonly TableColumn[] => {
    const list = this.columns.get(table);
    if (list === undefined) throw new Error(`no entity describes table ${table}`);
    return list;
  };

  /** Resolves once queued writes are settled (before closing the ORM). */
  async drain(): Promise<void> {
    await this.groupCommit?.drain();
  }

  private readonly onCompiled = (sql: string): void => {
    if (this.dialect === "postgresql") nameStatement(sql);
  };

  private readonly encode = (kind: ParamKind, value: unknown): unknown => {
    if (kind === "json") return this.values.json(value);
    if (kind === "list") return this.values.list(value as readonly unknown[]);
    return this.values.param(value);
  };
}
