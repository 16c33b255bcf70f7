import { mkdir } from "node:fs/promises";
import { dirname } from "node:path";
import { MikroORM } from "@mikro-orm/core";
import type { SqlEntityManager } from "@mikro-orm/knex";
import type { ApiKeyRepository } from "../../ports/api-key-repository.js";
import type { AuditLog } from "../../ports/audit-log.js";
import type { ExecutionRepository } from "../../ports/execution-repository.js";
import type { PermissionRepository } from "../../ports/permission-repository.js";
import type { WorkflowRepository } from "../../ports/workflow-repository.js";
import { resolveDatabaseTarget } from "./database-target.js";
import type { Dialect } from "./dialect.js";
import { ormConfig } from "./orm-config.js";
import { PersistenceContext } from "./persistence-context.js";
import type { AuditEventReader } from "./repositories/audit-event-filter.js";
import { MikroOrmApiKeyRepository } from "./repositories/mikro-orm-api-key-repository.js";
import { MikroOrmPermissionRepository } from "./repositories/mikro-orm-permission-repository.js";
import { MikroOrmWorkflowRepository } from "./repositories/mikro-orm-workflow-repository.js";
import { SqlAuditLog } from "./repositories/sql-audit-log.js";
import { SqlExecutionRepository } from "./repositories/sql-execution-repository.js";
import { type MigrationStatus, migrationStatus, runMigrations } from "./run-migrations.js";
import { dbValues } from "./sql/db-values.js";
import type { KnexPool } from "./sql/knex-pool.js";
import { type PgClient, PostgresSqlClient } from "./sql/postgres-sql-client.js";
import type { SqlClient } from "./sql/sql-client.js";
import { SqliteSqlClient } from "./sql/sqlite-sql-client.js";
import type { SqliteDatabase } from "./sql/sqlite-statements.js";

export interface OpenPersistenceOptions {
  /** `postgres://` or `postgresql://` selects PostgreSQL; empty or absent selects SQLite. */
  databaseUrl?: string;
  /** The SQLite file when no database URL is given; its folder is created. */
  sqlitePath: string;
  /** Logs the ORM's SQL (the plain-SQL hot paths are not logged). */
  debug?: boolean;
  /**
   * Applies pending migrations before returning (default true). `{ to }` stops after the named
   * migration (for upgrade tests); false applies nothing.
   */
  migrate?: boolean | { to: string };
  /** PostgreSQL connections (default 10, at least 2); SQLite always uses one. */
  poolSize?: number;
}

/** The persistence adapter: one database, all repositories. */
export interface Persistence {
  readonly dialect: Dialect;
  readonly workflows: WorkflowRepository;
  readonly executions: ExecutionRepository;
  readonly permissions: PermissionRepository;
  readonly apiKeys: ApiKeyRepository;
  /** Persists audit events only; structured logging is layered on top elsewhere. */
  readonly auditLog: AuditLog;
  /** Reads the persisted audit trail (admin tools, tests). */
  readonly auditEvents: AuditEventReader;
  migrationStatus(): Promise<MigrationStatus>;
  /** Closes the connection pool; the repositories are unusable afterwards. */
  close(): Promise<void>;
}

/**
 * Connects, migrates (unless told not to) and builds the repositories, which return plain
 * domain objects. Open one Persistence per database in a process: on SQLite it owns the only
 * connection and group-commits writes (see SqliteSqlClient); a second instance on the same file
 * would compete for the write lock with synchronous busy waits. Several processes may share a
 * PostgreSQL database (claims use SKIP LOCKED, migrations an advisory lock).
 */
export async function openPersistence(options: OpenPersistenceOptions): Promise<Persistence> {
  const target = resolveDatabaseTarget(options.databaseUrl, options.sqlitePath);
  if (target.dialect === "sqlite" && target.path !== ":memory:") {
    await mkdir(dirname(target.path), { recursive: true });
  }
  const poolSize = Math.max(2, options.poolSize ?? 10);
  const orm = await MikroORM.init(
    await ormConfig(target, { debug: options.debug ?? false, poolSize }),
  );
  try {
    const connection = await orm.checkConnection();
    if (!connection.ok) {
      throw new Error(`cannot connect to the ${target.dialect} database: ${connection.reason}`, {
        cause: connection.error,
      });
    }
    const pool = (orm.em as SqlEntityManager).getConnection().getKnex().client;
    const sql: SqlClient =
      target.dialect === "postgresql"
        ? new PostgresSqlClient(pool as KnexPool<PgClient>)
        : new SqliteSqlClient(pool as KnexPool<SqliteDatabase>);
    const migrate = options.migrate ?? true;
    if (migrate !== false) {
      await runMigrations(orm, target.dialect, sql, migrate === true ? undefined : migrate.to);
    }
    const context = new PersistenceContext(orm, target.dialect, sql, dbValues(target.dialect));
    const auditLog = new SqlAuditLog(context);
    return {
      dialect: target.dialect,
      workflows: new MikroOrmWorkflowRepository(context),
      executions: new SqlExecutionRepository(context),
      permissions: new MikroOrmPermissionRepository(context),
      apiKeys: new MikroOrmApiKeyRepository(context),
      auditLog,
      auditEvents: auditLog,
      migrationStatus: () => migrationStatus(orm),
      close: async () => {
        await sql.drain();
        await orm.close(true);
      },
    };
  } catch (error) {
    await orm.close(true);
    throw error;
  }
}
