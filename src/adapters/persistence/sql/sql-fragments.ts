import type { Dialect } from "../dialect.js";

/**
 * `column IN (list)` with the whole list as one parameter, so the statement text (and its
 * prepared statement) does not depend on the list's length.
 */
export function inList(dialect: Dialect, column: string): string {
  return dialect === "postgresql"
    ? `${column} = any(?::text[])`
    : `${column} in (select value from json_each(?))`;
}

/** `column` contains `text`, case-insensitively (SQLite: ASCII letters only). */
export function containsText(dialect: Dialect, column: string): string {
  return `${column} ${dialect === "postgresql" ? "ilike" : "like"} ? escape '\\'`;
}

/** The LIKE pattern for "contains `text`", with %, _ and \ taken literally. */
export function containsPattern(text: string): string {
  return `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}
