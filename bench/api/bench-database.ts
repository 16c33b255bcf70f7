/**
 * A fresh database per service start, made the way the integration tests make theirs
 * (test/support/test-database.ts): SQLite in a new temp folder, or `CREATE DATABASE` on the
 * PostgreSQL server at TEST_POSTGRES_URL (default postgres://postgres@127.0.0.1:5432/test).
 */
import { createTestDatabase, type TestDatabase } from "../../test/support/test-database.js";

export type BenchDialect = "sqlite" | "postgresql";

export async function createBenchDatabase(dialect: BenchDialect): Promise<TestDatabase> {
  // createTestDatabase reads its dialect from TEST_DATABASE at call time.
  const previous = process.env.TEST_DATABASE;
  process.env.TEST_DATABASE = dialect;
  try {
    return await createTestDatabase();
  } finally {
    if (previous === undefined) delete process.env.TEST_DATABASE;
    else process.env.TEST_DATABASE = previous;
  }
}

/** The service's database variables for `db`. */
export function databaseEnv(db: TestDatabase): Record<string, string> {
  return db.databaseUrl === undefined
    ? { SQLITE_PATH: db.sqlitePath }
    : { DATABASE_URL: db.databaseUrl };
}
