import { type RawBuilder, sql } from "kysely";
import type { Dialect } from "../dialect.js";

/**
 * `column IN (list)` with the whole list as one parameter (`list` is a `param.list`
 * placeholder), so the statement text does not depend on the list's length.
 */
export function inList(dialect: Dialect, column: string, list: unknown): RawBuilder<boolean> {
  return dialect === "postgresql"
    ? sql<boolean>`${sql.ref(column)} = any(${list}::text[])`
    : sql<boolean>`${sql.ref(column)} in (select value from json_each(${list}))`;
}

/** The LIKE pattern for "contains `text`", with %, _ and \ taken literally. */
export function containsPattern(text: string): string {
  return `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

/** `column` contains the pattern, case-insensitively (SQLite: ASCII letters only). */
export function containsText(
  dialect: Dialect,
  column: string,
  pattern: unknown,
): RawBuilder<boolean> {
  return dialect === "postgresql"
    ? sql<boolean>`${sql.ref(column)} ilike ${pattern} escape '\\'`
    : sql<boolean>`${sql.ref(column)} like ${pattern} escape '\\'`;
}
