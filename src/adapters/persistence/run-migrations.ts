import type { MikroORM } from "@mikro-orm/core";
import type { Migrator } from "@mikro-orm/migrations";
import type { Dialect } from "./dialect.js";
import type { SqlClient } from "./sql/sql-client.js";

/** Arbitrary, fixed: the advisory lock that serialises migrations across processes. */
const migrationLockKey = 7_311_002_026;

export interface MigrationStatus {
  applied: string[];
  pending: string[];
}

/**
 * Applies the pending migrations (up to and including `to`, when given) in one transaction.
 * On PostgreSQL an advisory lock, held on its own pooled connection, makes processes that start
 * together take turns; the later ones find nothing left to apply.
 */
export async function runMigrations(
  orm: MikroORM,
  dialect: Dialect,
  sql: SqlClient,
  to?: string,
): Promise<void> {
  const migrator = orm.getMigrator() as Migrator;
  const up = () => migrator.up(to === undefined ? undefined : { to });
  if (dialect === "sqlite") {
    await up();
    return;
  }
  await sql.transaction(async (tx) => {
    await tx.all("select pg_advisory_xact_lock(?)", [migrationLockKey]);
    await up();
  });
}

export async function migrationStatus(orm: MikroORM): Promise<MigrationStatus> {
  const migrator = orm.getMigrator() as Migrator;
  // One after the other: each creates the bookkeeping table when missing.
  const applied = await migrator.getExecutedMigrations();
  const pending = await migrator.getPendingMigrations();
  return { applied: applied.map((m) => m.name), pending: pending.map((m) => m.name) };
}
