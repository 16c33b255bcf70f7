import { MikroORM } from "@mikro-orm/core";
import { PostgreSqlDriver } from "@mikro-orm/postgresql";
import { SqliteDriver } from "@mikro-orm/sql";
import { sqliteDialect } from "../../../src/adapters/persistence/database/sqlite-dialect.js";
import type { TestDatabase } from "../../support/test-database.js";

/** Runs one statement with bound parameters; resolves to the driver's result. */
export type ExecuteSql = (sql: string, params?: unknown[]) => Promise<unknown>;

/** Gives `work` a connection of its own to the test database, closed afterwards. */
export async function withSqlConnection<T>(
  db: TestDatabase,
  work: (execute: ExecuteSql) => Promise<T>,
): Promise<T> {
  const common = {
    entities: [],
    discovery: { warnWhenNoEntities: false },
    ensureDatabase: false,
    pool: { min: 0, max: 1 },
  };
  const orm =
    db.databaseUrl === undefined
      ? await MikroORM.init({
          ...common,
          driver: SqliteDriver,
          dbName: db.sqlitePath,
          driverOptions: sqliteDialect(db.sqlitePath),
        })
      : await MikroORM.init({ ...common, driver: PostgreSqlDriver, clientUrl: db.databaseUrl });
  try {
    await orm.connect();
    return await work((sql, params = []) => orm.em.getConnection().execute(sql, params, "run"));
  } finally {
    await orm.close(true);
  }
}

/** Runs statements on the test database through a connection of its own. */
export async function runSql(db: TestDatabase, statements: string[]): Promise<void> {
  await withSqlConnection(db, async (execute) => {
    for (const statement of statements) await execute(statement);
  });
}
