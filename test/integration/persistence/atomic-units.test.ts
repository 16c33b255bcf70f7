/**
 * Units of writes are all or nothing on both dialects, also when several are committed
 * together (SQLite's group commit): a unit that fails after some of its statements succeeded
 * leaves nothing behind, and the units committed with it are unaffected.
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { MikroORM } from "@mikro-orm/core";
import { ormOptions } from "../../../src/adapters/persistence/database/orm-options.js";
import { SqlDatabase } from "../../../src/adapters/persistence/database/sql-database.js";
import { tableColumns } from "../../../src/adapters/persistence/database/table-columns.js";
import { resolveDatabaseTarget } from "../../../src/adapters/persistence/database-target.js";
import { auditEventToRow } from "../../../src/adapters/persistence/mappers/audit-event-rows.js";
import { runMigrations } from "../../../src/adapters/persistence/run-migrations.js";
import { insertAuditEvent } from "../../../src/adapters/persistence/statements/execution-statements.js";
import type { AuditEvent } from "../../../src/ports/audit-log.js";
import { createTestDatabase, type TestDatabase } from "../../support/test-database.js";
import { at } from "./fixtures.js";

function event(action: string): AuditEvent {
  return {
    eventType: "SYSTEM",
    action,
    result: "SUCCESS",
    userId: "u",
    communityId: null,
    workflowId: null,
    executionId: null,
    details: {},
    at: at(0),
  };
}

describe("atomic units of writes", () => {
  let database: TestDatabase;
  let orm: MikroORM;
  let db: SqlDatabase;

  before(async () => {
    database = await createTestDatabase();
    const target = resolveDatabaseTarget(database.databaseUrl, database.sqlitePath);
    orm = await MikroORM.init(await ormOptions(target, { debug: false, poolSize: 4 }));
    await orm.connect();
    db = new SqlDatabase(orm, target.dialect, tableColumns(orm));
    await runMigrations(orm, db);
  });
  after(async () => {
    await db?.drain();
    await orm?.close(true);
    await database?.drop();
  });

  async function actions(): Promise<string[]> {
    const rows = await db.kysely
      .selectFrom("audit_events")
      .select("action")
      .orderBy("action")
      .execute();
    return rows.map((row) => row.action);
  }

  test("a unit failing after its first statement leaves nothing; units beside it commit", async () => {
    const results = await Promise.allSettled([
      db.atomic(async (tx) => {
        await db.run(insertAuditEvent, auditEventToRow(event("a1")), tx);
        await db.run(insertAuditEvent, auditEventToRow(event("a2")), tx);
      }),
      db.atomic(async (tx) => {
        await db.run(insertAuditEvent, auditEventToRow(event("b1")), tx);
        throw new Error("the unit gives up after writing");
      }),
      db.write((tx) => db.run(insertAuditEvent, auditEventToRow(event("c1")), tx)),
      db.atomic(async (tx) => {
        const row = auditEventToRow(event("d1"));
        await db.run(insertAuditEvent, row, tx);
        // The same id again: a constraint failure at the unit's second statement.
        await db.run(insertAuditEvent, row, tx);
      }),
    ]);
    assert.deepEqual(
      results.map((r) => r.status),
      ["fulfilled", "rejected", "fulfilled", "rejected"],
    );
    assert.match(String((results[1] as PromiseRejectedResult).reason), /gives up/);
    assert.deepEqual(await actions(), ["a1", "a2", "c1"]);
  });

  test("a unit failing at its first statement rejects alone", async () => {
    const row = auditEventToRow(event("e1"));
    const results = await Promise.allSettled([
      db.write((tx) => db.run(insertAuditEvent, row, tx)),
      db.write((tx) => db.run(insertAuditEvent, row, tx)),
      db.write((tx) => db.run(insertAuditEvent, auditEventToRow(event("e2")), tx)),
    ]);
    // Which of the two same-id inserts wins is up to the database (PostgreSQL runs them at once).
    assert.deepEqual(
      results
        .slice(0, 2)
        .map((r) => r.status)
        .sort(),
      ["fulfilled", "rejected"],
    );
    assert.equal(results[2]?.status, "fulfilled");
    assert.deepEqual(await actions(), ["a1", "a2", "c1", "e1", "e2"]);
  });
});
