/**
 * A database made by the service before MikroORM 7 (MikroORM 6.6.16, migrations 20261125-01
 * to -03), with data in every table, opens with today's code: nothing is re-applied, every row
 * reads back as it was written, and the runner can carry on with the runs it left.
 */
import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import { after, before, describe, test } from "node:test";
import Database from "better-sqlite3";
import {
  openPersistence,
  type Persistence,
} from "../../../../src/adapters/persistence/open-persistence.js";
import { createTestDatabase, type TestDatabase } from "../../../support/test-database.js";
import { runSql } from "../../server/run-sql.js";
import { aNodeRun, creationAudit, versionOf } from "../fixtures.js";
import * as v6 from "./v6-data.js";

const v6Migrations = [
  "20261125-01-workflows-and-executions",
  "20261125-02-api-keys-and-audit",
  "20261125-03-workflow-list-indexes",
];

async function restoreV6Dump(database: TestDatabase): Promise<void> {
  const dialect = database.databaseUrl === undefined ? "sqlite" : "postgresql";
  const dump = await readFile(new URL(`./v6-${dialect}.sql`, import.meta.url), "utf8");
  if (dialect === "sqlite") {
    const db = new Database(database.sqlitePath);
    try {
      db.exec(dump);
    } finally {
      db.close();
    }
  } else {
    await runSql(database, [dump]);
  }
}

describe("a database made before MikroORM 7", () => {
  let database: TestDatabase;
  let persistence: Persistence;

  before(async () => {
    database = await createTestDatabase();
    await restoreV6Dump(database);
    persistence = await openPersistence({
      databaseUrl: database.databaseUrl,
      sqlitePath: database.sqlitePath,
    });
  });
  after(async () => {
    await persistence?.close();
    await database?.drop();
  });

  test("keeps its migration history: nothing is applied again", async () => {
    const status = await persistence.migrationStatus();
    assert.deepEqual(status.applied.slice(0, v6Migrations.length), v6Migrations);
    assert.deepEqual(status.pending, []);
  });

  test("workflows, their versions, grants and keys read back as written", async () => {
    assert.deepEqual(await persistence.workflows.get("wf-published"), v6.published);
    assert.deepEqual(
      await persistence.workflows.getVersion("wf-published", 1),
      v6.firstVersionRecord,
    );
    assert.deepEqual(
      await persistence.workflows.getVersion("wf-published", 2),
      versionOf(v6.published),
    );
    assert.deepEqual(await persistence.workflows.get("wf-draft"), v6.draft);
    assert.deepEqual(
      await persistence.permissions.list("wf-published"),
      [...v6.grants].sort((a, b) => a.targetType.localeCompare(b.targetType)),
    );
    assert.deepEqual(await persistence.apiKeys.findActiveByHash("a".repeat(64)), v6.activeKey);
    assert.equal(await persistence.apiKeys.findActiveByHash("b".repeat(64)), null);
    assert.deepEqual(await persistence.apiKeys.get("key-revoked"), {
      ...v6.revokedKey,
      revokedAt: v6.t(3),
    });
  });

  test("finished executions read back with their node runs, outcome and logs", async () => {
    const completed = await persistence.executions.get("ex-completed", {
      nodeRuns: true,
      logs: true,
    });
    assert.deepEqual(completed, {
      ...v6.completed,
      status: "completed",
      startedAt: v6.claimedAt,
      completedAt: v6.completedOutcome.completedAt,
      durationMs: v6.completedOutcome.durationMs,
      nodesExecuted: 3,
      finalOutput: v6.completedOutcome.finalOutput,
      finalVariables: v6.completedOutcome.finalVariables,
      nodeRuns: v6.completedRuns,
    });
    const failed = await persistence.executions.get("ex-failed", { nodeRuns: true, logs: false });
    assert.equal(failed?.status, "failed");
    assert.equal(failed?.errorReason, "HTTP_ERROR");
    assert.deepEqual(failed?.failedNodes, ["call"]);
    assert.deepEqual(
      failed?.nodeRuns,
      v6.failedRuns.map((run) => ({ ...run, logs: [] })),
    );
    const page = await persistence.executions.list(
      { workflowId: "wf-published" },
      { kind: "offset", page: 1, perPage: 10 },
    );
    assert.equal(page.total, 4);
    assert.deepEqual(
      page.items.map((e) => e.executionId),
      ["ex-pending", "ex-running", "ex-failed", "ex-completed"],
    );
    const { nodeRuns: _runs, ...completedExecution } = completed as NonNullable<typeof completed>;
    assert.deepEqual(
      await persistence.executions.findByIdempotencyKey("viewer-1", "idem-1", v6.t(0)),
      completedExecution,
    );
  });

  test("the audit trail keeps its events", async () => {
    const events = await persistence.auditEvents.list({ workflowId: "wf-published" });
    assert.deepEqual(events[0], v6.denial);
    assert.deepEqual(
      events.filter((e) => e.action === "execute_workflow").map((e) => e.executionId),
      ["ex-pending", "ex-running", "ex-failed", "ex-completed"],
    );
    assert.deepEqual(
      events.find((e) => e.executionId === "ex-completed"),
      creationAudit(v6.completed),
    );
  });

  test("a runner carries on: the pending run and the abandoned one are claimed and finished", async () => {
    const now = new Date();
    const claimed = await persistence.executions.claim(
      "runner-new",
      now,
      new Date(now.getTime() + 30_000),
      10,
    );
    assert.deepEqual(
      claimed.map((c) => c.execution.executionId),
      ["ex-running", "ex-pending"],
    );
    const resumed = claimed[0];
    assert.deepEqual(resumed?.checkpoint, v6.runningCheckpoint);
    assert.deepEqual(resumed?.nodeRuns, v6.runningRuns);
    assert.deepEqual(resumed?.execution.cancelRequestedAt, v6.cancelRequestedAt);
    assert.deepEqual(
      await persistence.executions.listCancelRequested(["ex-running", "ex-pending"]),
      ["ex-running"],
    );
    await persistence.executions.appendNodeRuns("ex-pending", [aNodeRun(1)], null);
    const applied = await persistence.executions.finish(
      "ex-running",
      { ...v6.failedOutcome, status: "cancelled", completedAt: now },
      [aNodeRun(2, { status: "cancelled" })],
    );
    assert.equal(applied, true);
    const finished = await persistence.executions.get("ex-running", { nodeRuns: true, logs: true });
    assert.equal(finished?.status, "cancelled");
    assert.deepEqual(
      finished?.nodeRuns.map((run) => [run.sequence, run.status]),
      [
        [1, "completed"],
        [2, "cancelled"],
      ],
    );
  });
});
