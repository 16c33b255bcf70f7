import type { MikroORM } from "@mikro-orm/core";
import type { Migrator } from "@mikro-orm/migrations";
import { CompiledQuery } from "kysely";
import type { SqlDatabase } from "./database/sql-database.js";

/** Arbitrary, fixed: the advisory lock that serialises migrations across processes. */
const migrationLockKey = 7_311_002_026;

export interface MigrationStatus {
  applied: string[];
  pending: string[];
}

/**
 * Applies the pending migrations (up to and including `to`, when given) in one transaction.
 * On PostgreSQL an advisory lock, held by a transaction of its own, makes processes that start
 * together take turns; the later ones find nothing left to apply.
 */
export async function runMigrations(orm: MikroORM, db: SqlDatabase, to?: string): Promise<void> {
  const migrator = orm.migrator as Migrator;
  const up = () => migrator.up(to === undefined ? undefined : { to });
  if (db.dialect === "sqlite") {
    await up();
    return;
  }
  await db.transaction(async (tx) => {
    await tx.executeQuery(
      CompiledQuery.raw("select pg_advisory_xact_lock($1)", [migrationLockKey]),
    );
    await up();
  });
}

export async function migrationStatus(orm: MikroORM): Promise<MigrationStatus> {
  const migrator = orm.migrator as Migrator;
  // One after the other: each creates the bookkeeping table when missing.
  const applied = await migrator.getExecuted();
  const pending = await migrator.getPending();
  return { applied: applied.map((m) => m.name), pending: pending.map((m) => m.name) };
}
