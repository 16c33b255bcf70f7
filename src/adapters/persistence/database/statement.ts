import { type Compilable, CompiledQuery, type Kysely, type QueryResult } from "kysely";
import type { Dialect } from "../dialect.js";
import type { Database, NewRow } from "../entities/index.js";
import type { TableColumn, TableName } from "./table-columns.js";

type ParamKind = "value" | "json" | "list";

/**
 * Where compiled statements run: MikroORM's Kysely instance (outside transactions), or the
 * connection a transaction holds (statements then skip Kysely's per-query executor).
 */
export interface QueryRunner {
  executeQuery<R>(query: CompiledQuery<R>): Promise<QueryResult<R>>;
}

/**
 * A named placeholder: what the builder sees in place of a value, found again after compiling.
 * With a `key`, it stands for `values[name][key]` (or `values[name][index][key]`): a column of
 * a row given whole.
 */
class Param {
  constructor(
    readonly name: string,
    readonly kind: ParamKind,
    readonly key?: string,
    readonly index?: number,
  ) {}

  valueIn(values: Record<string, unknown>): unknown {
    const value = values[this.name];
    if (this.key === undefined) return value;
    const row = (this.index === undefined ? value : (value as unknown[])[this.index]) as Record<
      string,
      unknown
    >;
    return row[this.key];
  }
}

/** Placeholders for a statement's named parameters, typed as the values they stand for. */
export interface Params<P> {
  /** A value bound as it is (dates, booleans and strings adapted to the driver). */
  <K extends keyof P & string>(name: K): P[K];
  /** A value for a JSON column, always bound as JSON text (a JSON string stays a JSON string). */
  json<K extends keyof P & string>(name: K): P[K];
  /** A list bound as one parameter, for `inList`. */
  list<K extends keyof P & string>(name: K): P[K];
}

/** A literal the builder put in the statement: bound as it is on every execution. */
class Constant {
  constructor(readonly value: unknown) {}
}

export interface CompiledStatement {
  sql: string;
  params: readonly (Param | Constant)[];
}

/** What a statement is built from. */
export interface StatementContext<P> {
  db: Kysely<Database>;
  dialect: Dialect;
  param: Params<P>;
  columnsOf: (table: TableName) => readonly TableColumn[];
}

export type StatementBuilder<P, R> = (context: StatementContext<P>) => Compilable<R>;

const placeholders: Params<Record<string, unknown>> = Object.assign(
  (name: string) => new Param(name, "value") as never,
  {
    json: (name: string) => new Param(name, "json") as never,
    list: (name: string) => new Param(name, "list") as never,
  },
);

/**
 * A statement written with the typed Kysely builder and compiled once per dialect: the builder
 * runs with placeholders, and each execution binds new values to the compiled SQL (compiling
 * costs more than running a simple statement). `table` names the table whose columns the
 * returned rows carry, so they are decoded into JavaScript values.
 */
export class Statement<P, R> {
  private readonly compiled = new Map<Dialect, CompiledStatement>();

  constructor(
    private readonly build: StatementBuilder<P, R>,
    readonly table: TableName | null = null,
  ) {}

  compile(
    db: Kysely<Database>,
    dialect: Dialect,
    columnsOf: (table: TableName) => readonly TableColumn[],
    onCompiled: (sql: string) => void,
  ): CompiledStatement {
    let compiled = this.compiled.get(dialect);
    if (compiled === undefined) {
      const param = placeholders as unknown as Params<P>;
      const query = this.build({ db, dialect, param, columnsOf }).compile();
      const params = query.parameters.map((value) =>
        value instanceof Param ? value : new Constant(value),
      );
      compiled = { sql: query.sql, params };
      this.compiled.set(dialect, compiled);
      onCompiled(query.sql);
    }
    return compiled;
  }
}

/** Binds `values` to a compiled statement, encoding each by its kind. */
export function bind(
  compiled: CompiledStatement,
  values: Record<string, unknown>,
  encode: (kind: ParamKind, value: unknown) => unknown,
): CompiledQuery {
  const parameters = compiled.params.map((param) => {
    if (param instanceof Constant) return encode("value", param.value);
    if (!(param.name in values)) throw new Error(`statement parameter ${param.name} not given`);
    return encode(param.kind, param.valueIn(values));
  });
  return CompiledQuery.raw(compiled.sql, parameters);
}

export type { ParamKind };

/**
 * Every column of `table` as a placeholder (JSON columns bound as JSON), for an INSERT whose
 * values are a whole row: each named after its column, or, with `row`, the columns of the row
 * given as parameter `row.name` (of its element `row.index`, for a list of rows).
 */
export function rowParams<T extends TableName, P>(
  table: T,
  { columnsOf }: StatementContext<P>,
  row?: { name: string; index?: number },
): NewRow<T> {
  const values: Record<string, never> = {};
  for (const column of columnsOf(table)) {
    const kind = column.kind === "json" ? "json" : "value";
    values[column.name] = (
      row === undefined
        ? new Param(column.name, kind)
        : new Param(row.name, kind, column.name, row.index)
    ) as never;
  }
  return values as NewRow<T>;
}
