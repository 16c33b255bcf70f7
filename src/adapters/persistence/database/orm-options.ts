import type { Options } from "@mikro-orm/core";
import { Migrator } from "@mikro-orm/migrations";
import type { DatabaseTarget } from "../database-target.js";
import { entities } from "../entities/index.js";
import { postgresqlMigrations } from "../migrations/postgresql/index.js";
import { sqliteMigrations } from "../migrations/sqlite/index.js";
import { NamedStatementClient } from "./postgres-named-statements.js";
import { sqliteDialect } from "./sqlite-dialect.js";

export interface OrmOptions {
  debug: boolean;
  /** PostgreSQL pool size; SQLite always uses one connection. */
  poolSize: number;
}

/** MikroORM options for one database: the entities, its driver and its migrations. */
export async function ormOptions(
  target: DatabaseTarget,
  options: OrmOptions,
): Promise<Partial<Options>> {
  const common = {
    entities: [...entities],
    extensions: [Migrator],
    debug: options.debug,
    allowGlobalContext: false,
    discovery: { warnWhenNoEntities: true },
  } satisfies Partial<Options>;
  if (target.dialect === "postgresql") {
    const { PostgreSqlDriver } = await import("@mikro-orm/postgresql");
    return {
      ...common,
      driver: PostgreSqlDriver,
      clientUrl: target.url,
      pool: { min: 0, max: options.poolSize },
      // Passed on to the pg pool: its connections run our statements as named ones.
      driverOptions: { Client: NamedStatementClient },
      migrations: migrationOptions(postgresqlMigrations),
    };
  }
  const { SqliteDriver } = await import("@mikro-orm/sql");
  return {
    ...common,
    driver: SqliteDriver,
    dbName: target.path,
    driverOptions: sqliteDialect(target.path),
    migrations: migrationOptions(sqliteMigrations),
  };
}

function migrationOptions(list: NonNullable<Options["migrations"]>["migrationsList"]) {
  return {
    migrationsList: list,
    snapshot: false,
    transactional: true,
    allOrNothing: true,
    silent: true,
  };
}
