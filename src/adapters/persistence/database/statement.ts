import { type Compilable, CompiledQuery, type Kysely } from "kysely";
import type { Dialect } from "../dialect.js";
import type { Database, NewRow } from "../entities/index.js";
import type { TableColumn, TableName } from "./table-columns.js";

type ParamKind = "value" | "json" | "list";

/** A named placeholder: what the builder sees in place of a value, found again after compiling. */
class Param {
  constructor(
    readonly name: string,
    readonly kind: ParamKind,
  ) {}
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
    return encode(param.kind, values[param.name]);
  });
  return CompiledQuery.raw(compiled.sql, parameters);
}

export type { ParamKind };

/**
 * Every column of `table` as a placeholder named after it (JSON columns bound as JSON), for an
 * INSERT whose values are a whole row.
 */
export function rowParams<T extends TableName, P>(
  table: T,
  { columnsOf, param }: StatementContext<P>,
  prefix = "",
): NewRow<T> {
  const named = param as unknown as Params<Record<string, never>>;
  const row: Record<string, never> = {};
  for (const column of columnsOf(table)) {
    const name = `${prefix}${column.name}`;
    row[column.name] = column.kind === "json" ? named.json(name) : named(name);
  }
  return row as NewRow<T>;
}
