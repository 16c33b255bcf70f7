import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { CelExpressionCompiler } from "../../../src/adapters/expressions/cel-expression-compiler.js";
import { LoggingAuditLog } from "../../../src/adapters/logging/logging-audit-log.js";
import {
  openPersistence,
  type Persistence,
} from "../../../src/adapters/persistence/open-persistence.js";
import { CronerCalendar } from "../../../src/adapters/system/croner-calendar.js";
import { UuidV7IdGenerator } from "../../../src/adapters/system/uuid-v7-id-generator.js";
import { Auditor } from "../../../src/application/shared/audit.js";
import { ScheduleRunner } from "../../../src/application/triggers/schedule-runner.js";
import { StartGuard } from "../../../src/application/triggers/start-guard.js";
import type { Clock } from "../../../src/domain/ports/clock.js";
import { triggerPlanOf } from "../../../src/domain/triggers/trigger-plan.js";
import type { Workflow } from "../../../src/domain/workflow/workflow.js";
import type { Logger } from "../../../src/ports/logger.js";
import { createTestDatabase, type TestDatabase } from "../../support/test-database.js";
import { toDefinition } from "../../support/workflow-fixtures.js";

/** Schedules fired by a ScheduleRunner whose clock the test sets, on a real database. */
describe("schedules with an injected clock", () => {
  let db: TestDatabase;
  let persistence: Persistence;
  let nowMs = 0;
  // Only now() is read by the schedule runner and the auditor; nothing here sleeps.
  const clock: Clock = {
    now: () => nowMs,
    sleep: () => Promise.reject(new Error("the schedule tests do not sleep")),
  };
  const calendar = new CronerCalendar();
  const compiler = new CelExpressionCompiler();
  const silent: Logger = {
    info() {},
    warn() {},
    error() {},
    debug() {},
    child: () => silent,
  } as unknown as Logger;
  let runner: ScheduleRunner;
  let counter = 0;

  before(async () => {
    db = await createTestDatabase();
    persistence = await openPersistence({ databaseUrl: db.databaseUrl, sqlitePath: db.sqlitePath });
    const auditor = new Auditor(new LoggingAuditLog(persistence.auditLog, silent), clock);
    runner = new ScheduleRunner(
      persistence.schedules,
      calendar,
      persistence.executions,
      new StartGuard(persistence.communityStops, auditor),
      async () => false,
      new UuidV7IdGenerator(),
      clock,
      auditor,
      silent,
      () => undefined,
      { pollMs: 1000, misfireGraceMs: 5000 },
    );
  });
  after(async () => {
    await persistence.close();
    await db.drop();
  });

  /** Publishes a schedule at `at` (the repository path publishing takes) and returns its id. */
  async function publish(config: Record<string, unknown>, at: string): Promise<string> {
    nowMs = Date.parse(at);
    counter += 1;
    const workflowId = `sched-${counter}`;
    const definition = toDefinition({
      name: "s",
      communityId: 7,
      nodes: [
        { id: "tick", type: "trigger_schedule", config: config as never },
        { id: "end", type: "flow_end", config: {} },
      ],
      edges: [{ from: "tick", port: "output", to: "end" }],
    });
    const now = new Date(nowMs);
    const workflow: Workflow = {
      workflowId,
      communityId: 7,
      entityId: 1,
      name: "s",
      description: "",
      tags: [],
      status: "draft",
      version: 1,
      definition,
      ownerUserId: "o",
      createdAt: now,
      updatedAt: now,
      publishedVersion: null,
      publishedAt: null,
    };
    await persistence.workflows.create(workflow, {
      workflowId,
      version: 1,
      name: "s",
      description: "",
      tags: [],
      definition,
      createdBy: "o",
      createdAt: now,
    });
    const published: Workflow = {
      ...workflow,
      status: "published",
      publishedVersion: 1,
      publishedAt: now,
    };
    await persistence.workflows.save(
      published,
      1,
      undefined,
      triggerPlanOf(published, compiler, (c) => calendar.next(c.cronExpression, c.timezone, nowMs)),
    );
    return workflowId;
  }

  const schedule = async (workflowId: string) => {
    const [row] = await persistence.schedules.ofWorkflow(workflowId);
    assert.ok(row);
    return row;
  };
  const runs = async (workflowId: string) =>
    (await persistence.executions.list({ workflowId }, { kind: "offset", page: 1, perPage: 100 }))
      .items;
  const tickAt = async (iso: string) => {
    nowMs = Date.parse(iso);
    return runner.tick();
  };
  const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

  it("spring forward: 02:30 Europe/Berlin, which does not exist that night, fires once at 03:00 local", async () => {
    const id = await publish(
      { cron_expression: "0 30 2 * * *", timezone: "Europe/Berlin" },
      "2026-03-28T12:00:00Z",
    );
    assert.equal(iso((await schedule(id)).nextFireAtMs), "2026-03-29T01:00:00.000Z");
    assert.equal(await tickAt("2026-03-29T00:59:59.999Z"), 0);
    await tickAt("2026-03-29T01:00:00.200Z");
    assert.equal((await runs(id)).length, 1);
    assert.equal(iso((await schedule(id)).nextFireAtMs), "2026-03-30T00:30:00.000Z");
  });

  it("fall back: 02:30, which happens twice, fires once; an hourly schedule fires every real hour", async () => {
    const id = await publish(
      { cron_expression: "0 30 2 * * *", timezone: "Europe/Berlin" },
      "2026-10-24T12:00:00Z",
    );
    await tickAt("2026-10-25T00:30:00.100Z");
    await tickAt("2026-10-25T01:30:00.100Z");
    assert.equal((await runs(id)).length, 1);
    assert.equal(iso((await schedule(id)).nextFireAtMs), "2026-10-26T01:30:00.000Z");
    const hourly = await publish(
      { cron_expression: "0 0 * * * *", timezone: "Europe/Berlin" },
      "2026-10-24T23:30:00Z",
    );
    for (const at of ["2026-10-25T00:00:00.1Z", "2026-10-25T01:00:00.1Z", "2026-10-25T02:00:00.1Z"])
      await tickAt(at);
    const ticks = (await runs(hourly)).map((r) => r.trigger.data.scheduled_at).sort();
    assert.deepEqual(ticks, [
      "2026-10-25T00:00:00.000Z",
      "2026-10-25T01:00:00.000Z",
      "2026-10-25T02:00:00.000Z",
    ]);
  });

  it("misfire: fire_once starts one run for the missed ticks, skip starts none; both go on from now", async () => {
    const once = await publish({ cron_expression: "0 * * * * *" }, "2026-06-01T10:00:30Z");
    const skip = await publish(
      { cron_expression: "0 * * * * *", misfire_policy: "skip" },
      "2026-06-01T10:00:30Z",
    );
    await tickAt("2026-06-01T10:10:30Z");
    const [missed] = await runs(once);
    assert.equal(missed?.trigger.data.missed, true);
    assert.equal((await runs(once)).length, 1);
    assert.equal((await runs(skip)).length, 0);
    assert.equal(iso((await schedule(once)).nextFireAtMs), "2026-06-01T10:11:00.000Z");
    assert.equal(iso((await schedule(skip)).nextFireAtMs), "2026-06-01T10:11:00.000Z");
    // Within the grace a late tick is on time.
    await tickAt("2026-06-01T10:11:03Z");
    assert.equal((await runs(skip)).length, 1);
  });

  it("overlap: skip while the previous run is unfinished, allow starts another; max_executions ends it", async () => {
    const skip = await publish(
      { cron_expression: "*/10 * * * * *", overlap_policy: "skip" },
      "2026-06-02T10:00:01Z",
    );
    const allow = await publish(
      { cron_expression: "*/10 * * * * *", max_executions: 2 },
      "2026-06-02T10:00:01Z",
    );
    await tickAt("2026-06-02T10:00:10Z");
    await tickAt("2026-06-02T10:00:20Z");
    await tickAt("2026-06-02T10:00:30Z");
    // No runner runs them here: the first run of each is still pending.
    assert.equal((await runs(skip)).length, 1);
    assert.equal((await runs(allow)).length, 2);
    assert.equal((await schedule(allow)).nextFireAtMs, null);
    assert.equal((await schedule(skip)).nextFireAtMs, Date.parse("2026-06-02T10:00:40Z"));
  });

  it("two ticks at the same instant fire the tick once", async () => {
    const id = await publish({ cron_expression: "* * * * * *" }, "2026-06-03T10:00:00.500Z");
    nowMs = Date.parse("2026-06-03T10:00:01.100Z");
    // (Other tests' schedules are due too and fire here; this one must fire once.)
    await Promise.all([runner.tick(), runner.tick(), runner.tick()]);
    assert.equal((await runs(id)).length, 1);
    assert.equal((await schedule(id)).fireCount, 1);
  });
});
