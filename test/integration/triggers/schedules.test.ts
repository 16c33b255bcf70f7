import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { timestampDate } from "@bufbuild/protobuf/wkt";
import { createClient } from "@connectrpc/connect";
import { ExecutionService } from "../../../src/gen/waddlebot/workflow/v1/execution_service_pb.js";
import { TriggerService } from "../../../src/gen/waddlebot/workflow/v1/trigger_service_pb.js";
import { WorkflowService } from "../../../src/gen/waddlebot/workflow/v1/workflow_service_pb.js";
import { createTransport, randomAdminKey } from "../../support/server-harness.js";
import { createTestDatabase, type TestDatabase } from "../../support/test-database.js";
import { edge, node, toCreateRequest, type WorkflowSpec } from "../../support/workflow-fixtures.js";
import { sleep } from "../executions/exec-support.js";
import { type ServiceProcess, spawnService, within } from "../server/service-process.js";
import { community, startTriggerEnv, type TriggerEnv } from "./trigger-support.js";

const everySecond = (name: string): WorkflowSpec => ({
  name,
  communityId: community,
  nodes: [
    node("tick", "trigger_schedule", { cron_expression: "* * * * * *" }),
    node("end", "flow_end", { output_expression: "trigger.scheduled_at" }),
  ],
  edges: [edge("tick", "output", "end")],
});

describe("schedules in the service", () => {
  let env: TriggerEnv;
  before(async () => {
    env = await startTriggerEnv();
  });
  after(() => env.close());

  it("GetWorkflow and ListSchedules show the next fire times; archiving stops the schedule", async () => {
    const workflows = env.svc.connect(WorkflowService, "connect-h1", env.ownerKey);
    const triggers = env.svc.connect(TriggerService, "connect-h1", env.ownerKey);
    const id = await env.publish({
      name: "daily",
      communityId: community,
      nodes: [
        node("tick", "trigger_schedule", {
          cron_expression: "0 0 20 * * *",
          timezone: "America/New_York",
        }),
        node("end", "flow_end"),
      ],
      edges: [edge("tick", "output", "end")],
    });
    const { schedules } = await workflows.getWorkflow({ workflowId: id });
    assert.equal(schedules.length, 1);
    const times = schedules[0]?.nextFireTimes.map((t) => timestampDate(t).getTime()) ?? [];
    assert.equal(times.length, 5);
    for (let i = 1; i < times.length; i++) {
      const gap = (times[i] as number) - (times[i - 1] as number);
      // A day apart, or 23/25 hours across a DST change.
      assert.ok([23, 24, 25].includes(gap / 3_600_000), `gap ${gap}`);
    }
    const listed = await triggers.listSchedules({ workflowId: id });
    assert.equal(listed.schedules[0]?.timezone, "America/New_York");
    assert.equal(listed.schedules[0]?.misfirePolicy, "fire_once");
    await env.archive(id);
    assert.deepEqual((await triggers.listSchedules({ workflowId: id })).schedules, []);
  });
});

/**
 * Three service processes on one database, an every-second schedule for about ten seconds:
 * every tick starts exactly one run, whichever process fires it.
 */
describe("an every-second schedule on three processes", () => {
  let db: TestDatabase;
  const adminKey = randomAdminKey();
  const processes: ServiceProcess[] = [];
  const urls: string[] = [];

  before(async () => {
    db = await createTestDatabase();
    for (let i = 0; i < 3; i++) {
      const proc = spawnService({
        HOST: "127.0.0.1",
        PORT: "0",
        SQLITE_PATH: db.sqlitePath,
        ...(db.databaseUrl === undefined ? {} : { DATABASE_URL: db.databaseUrl }),
        ADMIN_API_KEY: adminKey,
        LOG_LEVEL: "info",
        RUNNER_POLL_MS: "100",
        SCHEDULER_POLL_MS: "50",
      });
      processes.push(proc);
      const started = await within(
        proc.waitFor((l) => l.action === "start"),
        60_000,
        `start-up ${i + 1}`,
      );
      urls.push(String(started.url));
    }
  });
  after(async () => {
    for (const proc of processes) {
      if (proc.child.exitCode === null) {
        proc.child.kill("SIGTERM");
        await proc.exited;
      }
    }
    await db.drop();
  });

  it("fires each tick exactly once", { timeout: 120_000 }, async () => {
    const transport = (url: string) => createTransport(url, "connect-h1", adminKey).transport;
    const workflows = createClient(WorkflowService, transport(urls[0] as string));
    const { workflow } = await workflows.createWorkflow(
      toCreateRequest(everySecond("every second")),
    );
    assert.ok(workflow);
    await workflows.publishWorkflow({ workflowId: workflow.workflowId });
    await sleep(10_000);
    await workflows.deleteWorkflow({ workflowId: workflow.workflowId });
    const executions = createClient(ExecutionService, transport(urls[1] as string));
    const { executions: runs } = await executions.listExecutions({
      workflowId: workflow.workflowId,
      perPage: 100,
    });
    const ticks = runs.map((r) =>
      String((r.trigger?.data as { scheduled_at?: string } | undefined)?.scheduled_at),
    );
    assert.ok(ticks.length >= 8, `only ${ticks.length} ticks fired in 10 s`);
    assert.equal(
      new Set(ticks).size,
      ticks.length,
      `a tick fired twice: ${ticks.sort().join(", ")}`,
    );
    const seconds = ticks.map((t) => Date.parse(t) / 1000).sort((a, b) => a - b);
    // Consecutive seconds: no tick was skipped between the first and the last.
    assert.equal(
      (seconds.at(-1) as number) - (seconds[0] as number) + 1,
      seconds.length,
      seconds.join(","),
    );
    // Every fired tick is one audit line, in whichever process fired it.
    const audited = processes.reduce(
      (sum, p) =>
        sum + p.lines.filter((l) => l.action === "fire_schedule" && l.result === "SUCCESS").length,
      0,
    );
    assert.equal(audited, ticks.length);
  });
});
