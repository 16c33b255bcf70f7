import { mkdir } from "node:fs/promises";
import { dirname } from "node:path";
import { MikroORM } from "@mikro-orm/core";
import type { AccessRepository } from "../../ports/access-repository.js";
import type { ApiKeyRepository } from "../../ports/api-key-repository.js";
import type { AuditLog } from "../../ports/audit-log.js";
import type { CommunityStops } from "../../ports/community-stops.js";
import type { ExecutionRepository } from "../../ports/execution-repository.js";
import type { Logger } from "../../ports/logger.js";
import type { PermissionRepository } from "../../ports/permission-repository.js";
import type { ProcessCoordination } from "../../ports/process-coordination.js";
import type { ScheduleStore } from "../../ports/schedule-store.js";
import type { DispatchLog, TriggerAdmission, TriggerIndex } from "../../ports/trigger-store.js";
import type { WebhookStore } from "../../ports/webhook-store.js";
import type { WorkflowRepository } from "../../ports/workflow-repository.js";
import { PostgresCoordination } from "./coordination/postgres-coordination.js";
import { ormOptions } from "./database/orm-options.js";
import { SqlDatabase } from "./database/sql-database.js";
import { tableColumns } from "./database/table-columns.js";
import { resolveDatabaseTarget } from "./database-target.js";
import type { Dialect } from "./dialect.js";
import type { AuditEventReader } from "./repositories/audit-event-filter.js";
import { SqlAccessRepository } from "./repositories/sql-access-repository.js";
import { SqlApiKeyRepository } from "./repositories/sql-api-key-repository.js";
import { SqlAuditLog } from "./repositories/sql-audit-log.js";
import { SqlCommunityStops } from "./repositories/sql-community-stops.js";
import { SqlExecutionRepository } from "./repositories/sql-execution-repository.js";
import { SqlPermissionRepository } from "./repositories/sql-permission-repository.js";
import { SqlScheduleStore } from "./repositories/sql-schedule-store.js";
import { SqlTriggerStore } from "./repositories/sql-trigger-store.js";
import { SqlWebhookStore } from "./repositories/sql-webhook-store.js";
import { SqlWorkflowRepository } from "./repositories/sql-workflow-repository.js";
import { type MigrationStatus, migrationStatus, runMigrations } from "./run-migrations.js";

export interface OpenPersistenceOptions {
  /** `postgres://` or `postgresql://` selects PostgreSQL; empty or absent selects SQLite. */
  databaseUrl?: string;
  /** The SQLite file when no database URL is given; its folder is created. */
  sqlitePath: string;
  /** Logs the ORM's own SQL (migrations, schema checks). */
  debug?: boolean;
  /**
   * Applies pending migrations before returning (default true). `{ to }` stops after the named
   * migration (for upgrade tests); false applies nothing.
   */
  migrate?: boolean | { to: string };
  /** PostgreSQL connections (default 10, at least 2); SQLite always uses one. */
  poolSize?: number;
  /**
   * Called with the SQL text (never the values) of each statement the repositories run, as it
   * is sent: tests compare what two paths execute with it.
   */
  onStatement?: (sql: string) => void;
}

/** The persistence adapter: one database, all repositories. */
export interface Persistence {
  readonly dialect: Dialect;
  readonly workflows: WorkflowRepository;
  readonly executions: ExecutionRepository;
  readonly permissions: PermissionRepository;
  readonly apiKeys: ApiKeyRepository;
  /** Who may see what: one statement per question (see AccessRepository). */
  readonly access: AccessRepository;
  /** The trigger index, atomic admissions and dispatched event ids. */
  readonly triggers: TriggerIndex & TriggerAdmission & DispatchLog;
  readonly communityStops: CommunityStops;
  readonly webhooks: WebhookStore;
  readonly schedules: ScheduleStore;
  /** Persists audit events only; structured logging is layered on top elsewhere. */
  readonly auditLog: AuditLog;
  /** Reads the persisted audit trail (admin tools, tests). */
  readonly auditEvents: AuditEventReader;
  /**
   * PostgreSQL: the coordination with other processes on the database (its own session, not
   * started yet); null on SQLite, where one process owns the file.
   */
  createCoordination(logger: Logger): ProcessCoordination | null;
  migrationStatus(): Promise<MigrationStatus>;
  /** Closes the connections; the repositories are unusable afterwards. */
  close(): Promise<void>;
}

/**
 * Connects, migrates (unless told not to) and builds the repositories, which return plain
 * domain objects. Open one Persistence per database in a process: on SQLite it owns the only
 * connection and group-commits writes (see SqliteGroupCommit); a second instance on the same
 * file would compete for the write lock. Several processes may share a PostgreSQL database
 * (claims use SKIP LOCKED, migrations an advisory lock).
 */
export async function openPersistence(options: OpenPersistenceOptions): Promise<Persistence> {
  const target = resolveDatabaseTarget(options.databaseUrl, options.sqlitePath);
  if (target.dialect === "sqlite" && target.path !== ":memory:") {
    await mkdir(dirname(target.path), { recursive: true });
  }
  const poolSize = Math.max(2, options.poolSize ?? 10);
  const orm = await MikroORM.init(
    await ormOptions(target, { debug: options.debug ?? false, poolSize }),
  );
  try {
    await orm.connect().catch(() => undefined);
    const connection = await orm.checkConnection();
    if (!connection.ok) {
      throw new Error(`cannot connect to the ${target.dialect} database: ${connection.reason}`, {
        cause: connection.error,
      });
    }
    const db = new SqlDatabase(orm, target.dialect, tableColumns(orm), options.onStatement);
    const migrate = options.migrate ?? true;
    if (migrate !== false) {
      await runMigrations(orm, db, migrate === true ? undefined : migrate.to);
    }
    const auditLog = new SqlAuditLog(db);
    return {
      dialect: target.dialect,
      workflows: new SqlWorkflowRepository(db),
      executions: new SqlExecutionRepository(db),
      permissions: new SqlPermissionRepository(db),
      apiKeys: new SqlApiKeyRepository(db),
      access: new SqlAccessRepository(db),
      triggers: new SqlTriggerStore(db),
      communityStops: new SqlCommunityStops(db),
      webhooks: new SqlWebhookStore(db),
      schedules: new SqlScheduleStore(db),
      auditLog,
      auditEvents: auditLog,
      createCoordination: (logger) =>
        target.dialect === "postgresql" ? new PostgresCoordination(target.url, logger) : null,
      migrationStatus: () => migrationStatus(orm),
      close: async () => {
        await db.drain();
        await orm.close(true);
      },
    };
  } catch (error) {
    await orm.close(true);
    throw error;
  }
}
