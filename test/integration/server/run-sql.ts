import { BetterSqliteDriver } from "@mikro-orm/better-sqlite";
import { MikroORM } from "@mikro-orm/core";
import { PostgreSqlDriver } from "@mikro-orm/postgresql";
import type { TestDatabase } from "../../support/test-database.js";

/** Runs statements on the test database through a connection of its own. */
export async function runSql(db: TestDatabase, statements: string[]): Promise<void> {
  const common = {
    entities: [],
    discovery: { warnWhenNoEntities: false },
    ensureDatabase: false,
    pool: { min: 0, max: 1 },
  };
  const orm =
    db.databaseUrl === undefined
      ? await MikroORM.init({ ...common, driver: BetterSqliteDriver, dbName: db.sqlitePath })
      : await MikroORM.init({ ...common, driver: PostgreSqlDriver, clientUrl: db.databaseUrl });
  try {
    for (const statement of statements) await orm.em.getConnection().execute(statement);
  } finally {
    await orm.close(true);
  }
}
