import type { Dialect } from "../dialect.js";

/**
 * Converts column values as the drivers return them into JS values. SQLite gives epoch
 * milliseconds, 0/1 and JSON text; PostgreSQL (with MikroORM's type parsers) gives timestamps as
 * ISO-style text, bigints as text and JSON already parsed.
 */
export interface DbValues {
  date(value: unknown): Date;
  dateOrNull(value: unknown): Date | null;
  json<T>(value: unknown): T;
  jsonOrNull<T>(value: unknown): T | null;
  bool(value: unknown): boolean;
  int(value: unknown): number;
  intOrNull(value: unknown): number | null;
}

export function dbValues(dialect: Dialect): DbValues {
  return dialect === "sqlite" ? sqliteValues : postgresValues;
}

const sqliteValues: DbValues = {
  date: (value) => new Date(Number(value)),
  dateOrNull: (value) => (value === null || value === undefined ? null : new Date(Number(value))),
  json: <T>(value: unknown) => JSON.parse(String(value)) as T,
  jsonOrNull: <T>(value: unknown) =>
    value === null || value === undefined ? null : (JSON.parse(String(value)) as T),
  bool: (value) => value === 1 || value === true || value === "1",
  int: (value) => Number(value),
  intOrNull: (value) => (value === null || value === undefined ? null : Number(value)),
};

const postgresValues: DbValues = {
  date: (value) => parsePgDate(value),
  dateOrNull: (value) => (value === null || value === undefined ? null : parsePgDate(value)),
  json: <T>(value: unknown) => value as T,
  jsonOrNull: <T>(value: unknown) => (value === undefined ? null : (value as T | null)),
  bool: (value) => value === true,
  int: (value) => Number(value),
  intOrNull: (value) => (value === null || value === undefined ? null : Number(value)),
};

/** `2026-01-02 03:04:05.678+00` (DateStyle ISO) or a Date → Date. */
function parsePgDate(value: unknown): Date {
  if (value instanceof Date) return value;
  const text = String(value).replace(" ", "T");
  const date = new Date(/[+-]\d\d$/.test(text) ? `${text}:00` : text);
  if (Number.isNaN(date.getTime())) throw new Error(`unreadable timestamp ${String(value)}`);
  return date;
}
