import assert from "node:assert/strict";
import { mkdtemp, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { resolveDatabaseTarget } from "../../../src/adapters/persistence/database-target.js";
import {
  type OpenPersistenceOptions,
  openPersistence,
} from "../../../src/adapters/persistence/open-persistence.js";
import { createTestDatabase, type TestDatabase, testDialect } from "../../support/test-database.js";
import { at, aWorkflow, versionOf } from "./fixtures.js";

const first = "20261125-01-workflows-and-executions";
const all = [
  first,
  "20261125-02-api-keys-and-audit",
  "20261125-03-workflow-list-indexes",
  "20261204-20-durable-timers",
  "20261204-30-trigger-index-and-limits",
  "20261204-31-community-stops",
  "20261204-32-webhooks",
  "20261204-33-schedules",
];

describe("openPersistence and migrations", () => {
  let database: TestDatabase;
  let options: OpenPersistenceOptions;

  before(async () => {
    database = await createTestDatabase();
    options = { databaseUrl: database.databaseUrl, sqlitePath: database.sqlitePath };
  });
  after(() => database.drop());

  test("an older schema is migrated on start-up and its data survives; reopening is harmless", async () => {
    const old = await openPersistence({ ...options, migrate: { to: first } });
    const workflow = aWorkflow();
    try {
      assert.equal(old.dialect, testDialect());
      assert.deepEqual(await old.migrationStatus(), { applied: [first], pending: all.slice(1) });
      await old.workflows.create(workflow, versionOf(workflow));
      await assert.rejects(old.auditEvents.list({}), "audit_events does not exist yet");
    } finally {
      await old.close();
    }

    for (let round = 0; round < 2; round++) {
      const current = await openPersistence(options);
      try {
        assert.deepEqual(await current.migrationStatus(), { applied: all, pending: [] });
        assert.deepEqual(await current.workflows.get(workflow.workflowId), workflow);
        assert.deepEqual(
          await current.workflows.getVersion(workflow.workflowId, workflow.version),
          versionOf(workflow),
        );
        await current.auditLog.record({
          eventType: "SYSTEM",
          action: `reopened-${round}`,
          result: "SUCCESS",
          userId: "system",
          communityId: null,
          workflowId: null,
          executionId: null,
          details: {},
          at: at(round),
        });
        assert.equal((await current.auditEvents.list({})).length, round + 1);
      } finally {
        await current.close();
      }
    }
  });

  test("migrate: false applies nothing", async () => {
    const fresh = await createTestDatabase();
    try {
      const persistence = await openPersistence({
        databaseUrl: fresh.databaseUrl,
        sqlitePath: fresh.sqlitePath,
        migrate: false,
      });
      try {
        assert.deepEqual(await persistence.migrationStatus(), { applied: [], pending: all });
      } finally {
        await persistence.close();
      }
    } finally {
      await fresh.drop();
    }
  });

  if (testDialect() === "postgresql") {
    test("PostgreSQL: processes starting together migrate once (advisory lock)", async () => {
      const fresh = await createTestDatabase();
      try {
        const opened = await Promise.all(
          [1, 2, 3].map(() =>
            openPersistence({ databaseUrl: fresh.databaseUrl, sqlitePath: fresh.sqlitePath }),
          ),
        );
        for (const persistence of opened) {
          assert.deepEqual(await persistence.migrationStatus(), { applied: all, pending: [] });
          await persistence.close();
        }
      } finally {
        await fresh.drop();
      }
    });

    test("PostgreSQL: an unreachable server fails to open", async () => {
      await assert.rejects(
        openPersistence({ databaseUrl: "postgres://postgres@127.0.0.1:1/nothing", sqlitePath: "" }),
        /ECONNREFUSED|cannot connect/,
      );
    });
  }

  if (testDialect() === "sqlite") {
    test("SQLite: the database folder is created, in WAL mode", async () => {
      const folder = await mkdtemp(join(tmpdir(), "wf-open-"));
      try {
        const path = join(folder, "nested", "deeper", "workflows.sqlite");
        const persistence = await openPersistence({ sqlitePath: path });
        try {
          await persistence.auditEvents.list({});
          assert.ok((await stat(path)).isFile());
          assert.ok((await stat(`${path}-wal`)).isFile(), "journal_mode = WAL");
        } finally {
          await persistence.close();
        }
      } finally {
        await rm(folder, { recursive: true, force: true });
      }
    });
  }
});

describe("resolveDatabaseTarget", () => {
  test("PostgreSQL URLs, SQLite paths and the default file", () => {
    assert.deepEqual(resolveDatabaseTarget("postgres://u@h:5432/db", "./x.sqlite"), {
      dialect: "postgresql",
      url: "postgres://u@h:5432/db",
    });
    assert.deepEqual(resolveDatabaseTarget("postgresql://h/db", "./x.sqlite"), {
      dialect: "postgresql",
      url: "postgresql://h/db",
    });
    assert.deepEqual(resolveDatabaseTarget(undefined, "./data/w.sqlite"), {
      dialect: "sqlite",
      path: "./data/w.sqlite",
    });
    assert.deepEqual(resolveDatabaseTarget("  ", "./data/w.sqlite"), {
      dialect: "sqlite",
      path: "./data/w.sqlite",
    });
    assert.deepEqual(resolveDatabaseTarget("sqlite:/var/lib/w.sqlite", "x"), {
      dialect: "sqlite",
      path: "/var/lib/w.sqlite",
    });
    assert.deepEqual(resolveDatabaseTarget("./other.sqlite", "x"), {
      dialect: "sqlite",
      path: "./other.sqlite",
    });
    assert.throws(() => resolveDatabaseTarget("mysql://u:secret@h/db", "x"), /mysql:\/\/\*\*\*@h/);
  });
});
