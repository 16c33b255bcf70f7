/** Where the data lives: a PostgreSQL URL or an SQLite file. */
export type DatabaseTarget =
  | { dialect: "postgresql"; url: string }
  | { dialect: "sqlite"; path: string };

const sqliteSchemes = /^(sqlite|file):(\/\/)?/i;

/**
 * Chooses the database from `databaseUrl`: `postgres://` or `postgresql://` selects PostgreSQL;
 * `sqlite:<path>`, `file:<path>` or a plain path selects SQLite; empty or absent means the
 * SQLite file `sqlitePath`.
 */
export function resolveDatabaseTarget(
  databaseUrl: string | undefined,
  sqlitePath: string,
): DatabaseTarget {
  const url = databaseUrl?.trim() ?? "";
  if (url === "") return { dialect: "sqlite", path: sqlitePath };
  if (/^postgres(ql)?:\/\//i.test(url)) return { dialect: "postgresql", url };
  if (sqliteSchemes.test(url)) return { dialect: "sqlite", path: url.replace(sqliteSchemes, "") };
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(url)) {
    throw new Error(
      `unsupported database URL scheme in ${redact(url)}; use postgres:// or a file path`,
    );
  }
  return { dialect: "sqlite", path: url };
}

function redact(url: string): string {
  return url.replace(/\/\/[^@/]*@/, "//***@");
}
