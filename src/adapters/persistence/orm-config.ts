import type { Options } from "@mikro-orm/core";
import { Migrator } from "@mikro-orm/migrations";
import type { DatabaseTarget } from "./database-target.js";
import { postgresqlMigrations } from "./migrations/postgresql/index.js";
import { sqliteMigrations } from "./migrations/sqlite/index.js";
import { ApiKeySchema } from "./schemas/api-key.schema.js";
import { AuditEventSchema } from "./schemas/audit-event.schema.js";
import { WorkflowSchema } from "./schemas/workflow.schema.js";
import { WorkflowExecutionSchema } from "./schemas/workflow-execution.schema.js";
import { WorkflowNodeExecutionSchema } from "./schemas/workflow-node-execution.schema.js";
import { WorkflowPermissionSchema } from "./schemas/workflow-permission.schema.js";
import { WorkflowVersionSchema } from "./schemas/workflow-version.schema.js";

const entitySchemas = [
  WorkflowSchema,
  WorkflowVersionSchema,
  WorkflowPermissionSchema,
  WorkflowExecutionSchema,
  WorkflowNodeExecutionSchema,
  ApiKeySchema,
  AuditEventSchema,
];

interface OrmConfigOptions {
  debug: boolean;
  /** PostgreSQL pool size; SQLite always uses one connection. */
  poolSize: number;
}

/**
 * MikroORM options for one database. SQLite gets one connection (a single writer anyway) set
 * to WAL with a busy timeout and foreign keys; `synchronous = NORMAL` keeps commits off fsync,
 * which in WAL mode can lose the last commits on power loss but never corrupts the file.
 */
export async function ormConfig(
  target: DatabaseTarget,
  options: OrmConfigOptions,
): Promise<Options> {
  const common = {
    entities: entitySchemas,
    extensions: [Migrator],
    debug: options.debug,
    allowGlobalContext: false,
    discovery: { warnWhenNoEntities: true },
  } satisfies Options;
  if (target.dialect === "postgresql") {
    const { PostgreSqlDriver } = await import("@mikro-orm/postgresql");
    return {
      ...common,
      driver: PostgreSqlDriver,
      clientUrl: target.url,
      pool: { min: 0, max: options.poolSize },
      migrations: migrationOptions(postgresqlMigrations),
    };
  }
  const { BetterSqliteDriver } = await import("@mikro-orm/better-sqlite");
  return {
    ...common,
    driver: BetterSqliteDriver,
    dbName: target.path,
    pool: { min: 1, max: 1, afterCreate: configureSqliteConnection },
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

interface SqlitePragmaTarget {
  pragma(source: string): unknown;
}

function configureSqliteConnection(
  connection: SqlitePragmaTarget,
  done: (error: Error | null, connection: SqlitePragmaTarget) => void,
): void {
  try {
    connection.pragma("journal_mode = WAL");
    connection.pragma("busy_timeout = 5000");
    connection.pragma("foreign_keys = ON");
    connection.pragma("synchronous = NORMAL");
    done(null, connection);
  } catch (error) {
    done(error as Error, connection);
  }
}
