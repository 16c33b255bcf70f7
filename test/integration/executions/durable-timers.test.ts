import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { timestampDate } from "@bufbuild/protobuf/wkt";
import { type Client, createClient } from "@connectrpc/connect";
import { type Execution, NodeStatus } from "../../../src/gen/waddlebot/workflow/v1/execution_pb.js";
import { ExecutionService } from "../../../src/gen/waddlebot/workflow/v1/execution_service_pb.js";
import { WorkflowService } from "../../../src/gen/waddlebot/workflow/v1/workflow_service_pb.js";
import { createTransport, randomAdminKey } from "../../support/server-harness.js";
import { createTestDatabase, type TestDatabase } from "../../support/test-database.js";
import { resumableWorkflow, toCreateRequest } from "../../support/workflow-fixtures.js";
import { type ServiceProcess, spawnService, within } from "../server/service-process.js";
import { ExecutionStatus, isTerminal, rest, show, sleep } from "./exec-support.js";
import { FakeService } from "./fake-services.js";

const community = 404;
const generous = 30_000;

interface Running {
  proc: ServiceProcess;
  url: string;
  executions: Client<typeof ExecutionService>;
  workflows: Client<typeof WorkflowService>;
}

describe("durable timers: parked runs survive kill -9 and resume on time in any process", () => {
  let db: TestDatabase;
  let hooks: FakeService;
  /** When each request reached the fake service, by execution and step. */
  const arrivals = new Map<string, number[]>();
  const adminKey = randomAdminKey();
  const processes: ServiceProcess[] = [];

  before(async () => {
    db = await createTestDatabase();
    hooks = await FakeService.start((r) => {
      const execution = (r.body as { execution?: string }).execution ?? "";
      const key = `${execution} ${r.path.split("/").pop()}`;
      arrivals.set(key, [...(arrivals.get(key) ?? []), Date.now()]);
      return { body: { ok: true } };
    });
  });
  after(async () => {
    for (const proc of processes) if (proc.child.exitCode === null) proc.child.kill("SIGKILL");
    await hooks.close();
    await db.drop();
  });

  async function start(): Promise<Running> {
    const proc = spawnService({
      HOST: "127.0.0.1",
      PORT: "0",
      SQLITE_PATH: db.sqlitePath,
      ...(db.databaseUrl === undefined ? {} : { DATABASE_URL: db.databaseUrl }),
      ADMIN_API_KEY: adminKey,
      ROUTER_URL: hooks.url,
      BROWSER_SOURCE_URL: hooks.url,
      OUTBOUND_ALLOW_HOSTS: "127.0.0.1",
      RUNNER_PARK_AFTER_MS: "1000",
      LOG_LEVEL: "info",
    });
    processes.push(proc);
    const started = await within(
      proc.waitFor((l) => l.action === "start"),
      generous,
      "start-up",
    );
    const url = String(started.url);
    const transport = createTransport(url, "connect-h1", adminKey).transport;
    return {
      proc,
      url,
      executions: createClient(ExecutionService, transport),
      workflows: createClient(WorkflowService, transport),
    };
  }

  async function kill(service: Running): Promise<void> {
    service.proc.child.kill("SIGKILL");
    assert.equal(await within(service.proc.exited, generous, "the kill"), null);
  }

  async function publishAndRun(service: Running, delayMs: number): Promise<string> {
    const spec = resumableWorkflow({ communityId: community, delayMs, hookBaseUrl: hooks.url });
    const { workflow } = await service.workflows.createWorkflow(toCreateRequest(spec));
    assert.ok(workflow);
    await service.workflows.publishWorkflow({ workflowId: workflow.workflowId });
    const { execution } = await service.executions.executeWorkflow({
      workflowId: workflow.workflowId,
      communityId: BigInt(community),
    });
    assert.ok(execution);
    return execution.executionId;
  }

  async function until(
    service: Running,
    executionId: string,
    done: (e: Execution) => boolean,
  ): Promise<Execution> {
    const deadline = Date.now() + 90_000;
    for (;;) {
      const { execution } = await service.executions.getExecution({ executionId });
      assert.ok(execution);
      if (done(execution)) return execution;
      assert.ok(Date.now() < deadline, `${executionId} stuck: ${show(execution)}`);
      await sleep(50);
    }
  }

  const parked = (e: Execution) => e.wait !== undefined;
  const calls = (executionId: string, step: string) =>
    arrivals.get(`${executionId} ${step}`)?.length ?? 0;

  it("a run parked on a 3 s timer holds no runner: it is running with a wait in Get (RPC and REST); after kill -9 a new process resumes it at its time, and no earlier node runs again", async () => {
    const first = await start();
    const executionId = await publishAndRun(first, 3_000);
    const waiting = await until(first, executionId, parked);
    assert.equal(waiting.status, ExecutionStatus.RUNNING);
    assert.equal(waiting.wait?.reason, "timer");
    assert.deepEqual(waiting.wait?.nodeIds, ["wait"]);
    assert.ok(waiting.wait?.wakeAt);
    const wakeAt = timestampDate(waiting.wait.wakeAt).getTime();
    const viaRest = await rest(
      first.url,
      adminKey,
      "GET",
      `/api/v1/workflows/executions/${executionId}`,
    );
    assert.equal(viaRest.status, 200);
    assert.equal(viaRest.body.data.status, "running");
    assert.equal(viaRest.body.data.wait.reason, "timer");
    assert.equal(new Date(viaRest.body.data.wait.wake_at).getTime(), wakeAt);
    assert.deepEqual(viaRest.body.data.wait.node_ids, ["wait"]);

    await kill(first);
    const second = await start();
    const done = await until(second, executionId, (e) => isTerminal(e.status));
    assert.equal(done.status, ExecutionStatus.COMPLETED, show(done));
    assert.equal(done.wait, undefined);
    assert.equal(calls(executionId, "hit1"), 1);
    assert.equal(calls(executionId, "hit2"), 1);
    assert.equal(calls(executionId, "hit3"), 1);
    const hit3At = arrivals.get(`${executionId} hit3`)?.[0] ?? 0;
    assert.ok(hit3At >= wakeAt, "the node after the timer ran only once it was due");
    const delayRuns = done.nodeRuns.filter((r) => r.nodeId === "wait");
    assert.equal(delayRuns.length, 1);
    assert.equal(delayRuns[0]?.status, NodeStatus.COMPLETED);
    assert.ok(
      delayRuns[0]?.startedAt && timestampDate(delayRuns[0].startedAt).getTime() < wakeAt,
      "the delay's record keeps its first start",
    );
    await kill(second);
  });

  it("a timer that fell due while no process ran is resumed as soon as one starts", async () => {
    const first = await start();
    const executionId = await publishAndRun(first, 1_500);
    const waiting = await until(first, executionId, parked);
    assert.ok(waiting.wait?.wakeAt);
    const wakeAt = timestampDate(waiting.wait.wakeAt).getTime();
    await kill(first);
    while (Date.now() <= wakeAt + 200) await sleep(100);
    const second = await start();
    const done = await until(second, executionId, (e) => isTerminal(e.status));
    assert.equal(done.status, ExecutionStatus.COMPLETED, show(done));
    assert.equal(calls(executionId, "hit1"), 1);
    assert.equal(calls(executionId, "hit3"), 1);
    await kill(second);
  });

  it("Watch shows the run parking and resuming; a parked run can be cancelled, and the rest of it never runs", async () => {
    const service = await start();
    const executionId = await publishAndRun(service, 1_200);
    const events: string[] = [];
    for await (const { event } of service.executions.watchExecution({ executionId })) {
      if (event?.event.case === "statusChange") {
        const change = event.event.value;
        if (isTerminal(change.status)) events.push(ExecutionStatus[change.status] ?? "");
        else if (change.wait !== undefined) events.push(`waiting:${change.wait.nodeIds.join(",")}`);
        else if (change.waitCleared) events.push("resumed");
        else events.push(ExecutionStatus[change.status] ?? "");
      }
    }
    assert.deepEqual(events.slice(-3), ["waiting:wait", "resumed", "COMPLETED"], show(events));

    const long = await publishAndRun(service, 600_000);
    await until(service, long, parked);
    const { execution } = await service.executions.cancelExecution({ executionId: long });
    assert.equal(execution?.status, ExecutionStatus.CANCELLED, "the answer is the terminal state");
    const cancelled = await until(service, long, (e) => isTerminal(e.status));
    assert.equal(cancelled.status, ExecutionStatus.CANCELLED, show(cancelled));
    assert.equal(cancelled.wait, undefined);
    assert.equal(calls(long, "hit3"), 0);
    const byNode = new Map(cancelled.nodeRuns.map((r) => [r.nodeId, r.status]));
    assert.equal(byNode.get("hit2"), NodeStatus.COMPLETED);
    assert.equal(byNode.get("wait"), NodeStatus.CANCELLED, "the parked node is recorded cancelled");
    assert.equal(byNode.get("hit3"), NodeStatus.CANCELLED);
    await kill(service);
  });
});
