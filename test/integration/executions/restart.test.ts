import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { type Client, createClient } from "@connectrpc/connect";
import { type Execution, NodeStatus } from "../../../src/gen/waddlebot/workflow/v1/execution_pb.js";
import { ExecutionService } from "../../../src/gen/waddlebot/workflow/v1/execution_service_pb.js";
import { WorkflowService } from "../../../src/gen/waddlebot/workflow/v1/workflow_service_pb.js";
import { createTransport, randomAdminKey } from "../../support/server-harness.js";
import { createTestDatabase, type TestDatabase } from "../../support/test-database.js";
import {
  loopingResumableWorkflow,
  resumableWorkflow,
  toCreateRequest,
  type WorkflowSpec,
} from "../../support/workflow-fixtures.js";
import { type ServiceProcess, spawnService, within } from "../server/service-process.js";
import { ExecutionStatus, isTerminal, json, show, sleep } from "./exec-support.js";
import { FakeService } from "./fake-services.js";

const community = 303;
const generous = 30_000;

interface Running {
  proc: ServiceProcess;
  executions: Client<typeof ExecutionService>;
  workflows: Client<typeof WorkflowService>;
}

describe("restarts (kill -9, SIGTERM) and two processes on one database", () => {
  let db: TestDatabase;
  let hooks: FakeService;
  const adminKey = randomAdminKey();
  const processes: ServiceProcess[] = [];

  before(async () => {
    db = await createTestDatabase();
    hooks = await FakeService.start((r) => ({ body: { ok: true, path: r.path } }));
  });
  after(async () => {
    for (const proc of processes) if (proc.child.exitCode === null) proc.child.kill("SIGKILL");
    await hooks.close();
    await db.drop();
  });

  async function start(env: Record<string, string>): Promise<Running> {
    const proc = spawnService({
      HOST: "127.0.0.1",
      PORT: "0",
      SQLITE_PATH: db.sqlitePath,
      ...(db.databaseUrl === undefined ? {} : { DATABASE_URL: db.databaseUrl }),
      ADMIN_API_KEY: adminKey,
      ROUTER_URL: hooks.url,
      BROWSER_SOURCE_URL: hooks.url,
      OUTBOUND_ALLOW_HOSTS: "127.0.0.1",
      RUNNER_POLL_MS: "100",
      LOG_LEVEL: "info",
      ...env,
    });
    processes.push(proc);
    const started = await within(
      proc.waitFor((l) => l.action === "start"),
      generous,
      "start-up",
    );
    const url = String(started.url);
    return {
      proc,
      executions: createClient(
        ExecutionService,
        createTransport(url, "connect-h1", adminKey).transport,
      ),
      workflows: createClient(
        WorkflowService,
        createTransport(url, "connect-h1", adminKey).transport,
      ),
    };
  }

  const hits = (step: string, executionId: string) =>
    hooks.requests.filter(
      (r) =>
        r.path.endsWith(`/${step}`) && (r.body as { execution?: string }).execution === executionId,
    ).length;

  async function publish(service: Running, spec: WorkflowSpec): Promise<string> {
    const { workflow } = await service.workflows.createWorkflow(toCreateRequest(spec));
    assert.ok(workflow);
    await service.workflows.publishWorkflow({ workflowId: workflow.workflowId });
    return workflow.workflowId;
  }

  async function until(
    service: Running,
    executionId: string,
    done: (e: Execution) => boolean,
    boundMs = 90_000,
  ): Promise<Execution> {
    const deadline = Date.now() + boundMs;
    for (;;) {
      const { execution } = await service.executions.getExecution({ executionId });
      assert.ok(execution);
      if (done(execution)) return execution;
      assert.ok(
        Date.now() < deadline,
        `${executionId} stuck at ${ExecutionStatus[execution.status]}: ${show(execution.nodeRuns.map((r) => r.nodeId))}`,
      );
      await sleep(100);
    }
  }

  const completedNode = (nodeId: string) => (e: Execution) =>
    e.nodeRuns.some((r) => r.nodeId === nodeId && r.status === NodeStatus.COMPLETED);

  it(
    "ends every execution: resumed from its last node boundary, or failed as interrupted inside a loop; nothing completed runs twice, nothing stays pending or running",
    {
      timeout: 240_000,
    },
    async () => {
      // A short lease so the next process reclaims the crashed runs soon; five slots, held by
      // delays waiting in memory (parking off; parked timers: durable-timers.test.ts).
      const first = await start({
        RUNNER_LEASE_SECONDS: "2",
        RUNNER_CONCURRENCY: "5",
        RUNNER_PARK_AFTER_MS: "0",
      });
      const base = `${hooks.url}/crash`;
      const linearId = await publish(
        first,
        resumableWorkflow({ communityId: community, delayMs: 3_000, hookBaseUrl: base }),
      );
      const loopId = await publish(
        first,
        loopingResumableWorkflow({
          communityId: community,
          iterations: 3,
          delayMs: 2_000,
          hookBaseUrl: base,
        }),
      );
      const execute = async (workflowId: string) => {
        const { execution } = await first.executions.executeWorkflow({
          workflowId,
          communityId: BigInt(community),
        });
        assert.ok(execution);
        return execution.executionId;
      };
      // Loop bodies block in their first round until the crash, so the crash is inside a loop;
      // linear runs block at hit3 after their delay, so all five slots stay taken until then.
      hooks.hold("/crash/round");
      hooks.hold("/crash/hit3");
      const linear = [await execute(linearId), await execute(linearId), await execute(linearId)];
      const looping = [await execute(loopId), await execute(loopId)];

      // Linear runs wait in their delay after hit1 and hit2 are stored; loop runs are inside
      // their loop (a round was called).
      for (const id of linear) await until(first, id, completedNode("hit2"));
      for (const id of looping) {
        await until(first, id, completedNode("first"));
        await hooks.waitFor(
          (r) => r.path === "/crash/round" && (r.body as { execution?: string }).execution === id,
        );
      }
      // Every slot is taken: this one stays pending.
      const queued = await execute(linearId);
      const { execution: pending } = await first.executions.getExecution({ executionId: queued });
      assert.equal(pending?.status, ExecutionStatus.PENDING);

      const roundsBeforeCrash = new Map(looping.map((id) => [id, hits("round", id)]));
      first.proc.child.kill("SIGKILL");
      assert.equal(await within(first.proc.exited, generous, "the kill"), null);

      const second = await start({ RUNNER_LEASE_SECONDS: "1" });
      hooks.release("/crash/hit3");
      const all = [...linear, ...looping, queued];
      const ended = new Map<string, Execution>();
      for (const id of all) ended.set(id, await until(second, id, (e) => isTerminal(e.status)));

      for (const id of [...linear, queued]) {
        const e = ended.get(id) as Execution;
        assert.equal(
          e.status,
          ExecutionStatus.COMPLETED,
          `${id}: ${e.errorReason} ${e.errorMessage}`,
        );
        assert.equal(json(e.finalOutput), "resumed fine");
        assert.equal(hits("hit1", id), 1, `${id}: hit1 was not re-run`);
        assert.equal(hits("hit2", id), 1, `${id}: hit2 was not re-run`);
        assert.ok(hits("hit3", id) >= 1, `${id}: hit3 ran`);
        const records = (nodeId: string) => e.nodeRuns.filter((r) => r.nodeId === nodeId);
        for (const nodeId of ["start", "hit1", "hit2", "hit3", "end"]) {
          assert.equal(
            records(nodeId).filter((r) => r.status === NodeStatus.COMPLETED).length,
            1,
            `${id} ${nodeId}`,
          );
        }
        const sequences = e.nodeRuns.map((r) => r.sequence);
        assert.equal(new Set(sequences).size, sequences.length, "sequence numbers stay unique");
      }
      for (const id of looping) {
        const e = ended.get(id) as Execution;
        assert.equal(e.status, ExecutionStatus.FAILED, show(e));
        assert.notEqual(e.errorReason, "");
        assert.match(e.errorMessage, /interrupted/);
        assert.equal(hits("first", id), 1, `${id}: first was not re-run`);
        assert.equal(
          hits("round", id),
          roundsBeforeCrash.get(id),
          `${id}: the loop was not re-run`,
        );
        assert.equal(hits("last", id), 0);
        assert.ok(completedNode("first")(e), "the records stored before the crash are kept");
      }

      for (const workflowId of [linearId, loopId]) {
        const open = await second.executions.listExecutions({
          workflowId,
          page: 1,
          statuses: [ExecutionStatus.PENDING, ExecutionStatus.RUNNING],
        });
        assert.deepEqual(open.executions, [], "nothing stays pending or running");
        const everything = await second.executions.listExecutions({ workflowId, page: 1 });
        assert.ok(everything.executions.every((e) => isTerminal(e.status)));
      }

      second.proc.child.kill("SIGTERM");
      assert.equal(await within(second.proc.exited, generous, "the graceful stop"), 0);
    },
  );

  it(
    "a graceful stop (SIGTERM) releases the leases: the next start resumes at once",
    {
      timeout: 180_000,
    },
    async () => {
      // An hour-long lease: only a released lease lets the next process take the run over.
      const first = await start({ RUNNER_LEASE_SECONDS: "3600" });
      const workflowId = await publish(
        first,
        resumableWorkflow({ communityId: community, delayMs: 5_000, hookBaseUrl: hooks.url }),
      );
      const { execution } = await first.executions.executeWorkflow({
        workflowId,
        communityId: BigInt(community),
      });
      assert.ok(execution);
      const id = execution.executionId;
      await until(first, id, completedNode("hit2"));
      first.proc.child.kill("SIGTERM");
      assert.equal(await within(first.proc.exited, generous, "the graceful stop"), 0);

      const second = await start({ RUNNER_LEASE_SECONDS: "3600" });
      const done = await until(second, id, (e) => isTerminal(e.status));
      assert.equal(
        done.status,
        ExecutionStatus.COMPLETED,
        `${done.errorReason} ${done.errorMessage}`,
      );
      assert.equal(hits("hit1", id), 1);
      assert.equal(hits("hit2", id), 1);
      assert.equal(hits("hit3", id), 1);
      // The draining process stored nothing for the delay it interrupted nor for the nodes
      // after it: one record per node, each completed, in the order they ran.
      assert.deepEqual(
        done.nodeRuns.map((r) => `${r.nodeId}:${NodeStatus[r.status]}`),
        ["start", "hit1", "hit2", "wait", "hit3", "end"].map((n) => `${n}:COMPLETED`),
      );
      second.proc.child.kill("SIGTERM");
      assert.equal(await within(second.proc.exited, generous, "the graceful stop"), 0);
    },
  );

  it("a cancel sent to another process stops the run there", { timeout: 180_000 }, async () => {
    // The run belongs to this process (it is the only one running when it is claimed) ...
    // The delay runs in its owner's memory (parking off), so the owner must abort it.
    const owner = await start({ RUNNER_LEASE_SECONDS: "3", RUNNER_PARK_AFTER_MS: "0" });
    const workflowId = await publish(
      owner,
      resumableWorkflow({ communityId: community, delayMs: 120_000, hookBaseUrl: hooks.url }),
    );
    const { execution } = await owner.executions.executeWorkflow({
      workflowId,
      communityId: BigInt(community),
    });
    assert.ok(execution);
    const id = execution.executionId;
    await until(owner, id, completedNode("hit2"));

    // ... and a second process on the same database is asked to cancel it.
    const other = await start({ RUNNER_LEASE_SECONDS: "3" });
    const { execution: answered } = await other.executions.cancelExecution({ executionId: id });
    assert.ok(
      answered?.status === ExecutionStatus.RUNNING ||
        answered?.status === ExecutionStatus.CANCELLED,
      `answered ${answered ? ExecutionStatus[answered.status] : "nothing"}`,
    );
    const done = await until(other, id, (e) => isTerminal(e.status), 60_000);
    assert.equal(done.status, ExecutionStatus.CANCELLED, show(done));
    const wait = done.nodeRuns.find((r) => r.nodeId === "wait");
    assert.equal(wait?.status, NodeStatus.CANCELLED, "the owner aborted the running delay");
    assert.equal(hits("hit3", id), 0);
    for (const running of [owner, other]) {
      running.proc.child.kill("SIGTERM");
      assert.equal(await within(running.proc.exited, generous, "the graceful stop"), 0);
    }
  });
});
