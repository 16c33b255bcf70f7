import type { Dialect } from "../dialect.js";
import type { ColumnKind } from "./table-columns.js";

/**
 * Converts between JavaScript values and what each driver takes and returns. SQLite stores
 * dates as epoch milliseconds, booleans as 0/1 and JSON as text; PostgreSQL (with MikroORM's
 * type parsers) returns timestamps as ISO-style text, bigints as text and JSON parsed.
 */
export interface ColumnValues {
  /** A parameter bound as it is (dates, booleans and strings adapted to the driver). */
  param(value: unknown): unknown;
  /** A value for a JSON column: JSON text; null and undefined become SQL NULL. */
  json(value: unknown): string | null;
  /** A list bound as one parameter (see `inList`). */
  list(values: readonly unknown[]): unknown;
  /** A column value as the driver returned it → its JavaScript value. */
  decode(kind: ColumnKind, value: unknown): unknown;
}

export function columnValues(dialect: Dialect): ColumnValues {
  return dialect === "sqlite" ? sqliteValues : postgresValues;
}

const sqliteValues: ColumnValues = {
  param(value) {
    if (value instanceof Date) return value.getTime();
    if (typeof value === "boolean") return value ? 1 : 0;
    return value ?? null;
  },
  json: (value) => (value === null || value === undefined ? null : JSON.stringify(value)),
  list: (values) => JSON.stringify(values),
  decode(kind, value) {
    if (value === null || value === undefined) return null;
    switch (kind) {
      case "datetime":
        return new Date(Number(value));
      case "json":
        return JSON.parse(String(value));
      case "boolean":
        return value === 1 || value === true || value === "1";
      case "bigint":
        return Number(value);
      default:
        return value;
    }
  },
};

const postgresValues: ColumnValues = {
  param(value) {
    if (typeof value === "string") return withoutNul(value);
    return value ?? null;
  },
  json: (value) =>
    value === null || value === undefined ? null : withoutNul(JSON.stringify(value)),
  list: (values) => values.map((value) => (typeof value === "string" ? withoutNul(value) : value)),
  decode(kind, value) {
    if (value === null || value === undefined) return null;
    switch (kind) {
      case "datetime":
        return parsePgDate(value);
      case "bigint":
        return Number(value);
      default:
        return value;
    }
  },
};

/**
 * PostgreSQL text and jsonb cannot hold NUL (a webhook may well answer with one): it is stored
 * as U+FFFD, raw or as a JSON escape. Inputs with NUL are refused earlier, as BAD_REQUEST.
 */
function withoutNul(value: string): string {
  if (!value.includes("\0") && !value.includes("\\u0000")) return value;
  return value.replace(/\0/g, "\uFFFD").replace(/(?<!\\)((?:\\\\)*)\\u0000/g, "$1\\ufffd");
}

/** `2026-01-02 03:04:05.678+00` (DateStyle ISO) or a Date → Date. */
function parsePgDate(value: unknown): Date {
  if (value instanceof Date) return value;
  const text = String(value).replace(" ", "T");
  const date = new Date(/[+-]\d\d$/.test(text) ? `${text}:00` : text);
  if (Number.isNaN(date.getTime())) throw new Error(`unreadable timestamp ${String(value)}`);
  return date;
}
