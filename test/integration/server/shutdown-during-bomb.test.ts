/**
 * SIGTERM while an engine worker is inside a long computation (a live run and a dry-run of an
 * expression bomb, with a CPU-time bound far above the shutdown deadline): the process drains
 * within SHUTDOWN_TIMEOUT_MS and exits 0; the run's lease is released, so the next start resumes
 * it from its checkpoint, where the bound of that start stops it.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { type Client, ConnectError, createClient } from "@connectrpc/connect";
import { createConnectTransport } from "@connectrpc/connect-node";
import {
  ExecutionStatus,
  NodeStatus,
} from "../../../src/gen/waddlebot/workflow/v1/execution_pb.js";
import { ExecutionService } from "../../../src/gen/waddlebot/workflow/v1/execution_service_pb.js";
import { WorkflowService } from "../../../src/gen/waddlebot/workflow/v1/workflow_service_pb.js";
import { expressionBombWorkflow } from "../../support/bomb-workflows.js";
import { randomAdminKey } from "../../support/server-harness.js";
import { createTestDatabase, type TestDatabase } from "../../support/test-database.js";
import { toCreateRequest } from "../../support/workflow-fixtures.js";
import { FakeService } from "../executions/fake-services.js";
import { type ServiceProcess, spawnService, within } from "./service-process.js";

const generous = 120_000;
const shutdownTimeoutMs = 4000;

describe("SIGTERM during an expression bomb", () => {
  let db: TestDatabase;
  let hooks: FakeService;
  const processes: ServiceProcess[] = [];
  before(async () => {
    db = await createTestDatabase();
    hooks = await FakeService.start();
  });
  after(async () => {
    for (const proc of processes) {
      if (proc.child.exitCode === null) {
        proc.child.kill("SIGKILL");
        await proc.exited;
      }
    }
    await hooks.close();
    await db.drop();
  });

  function start(adminKey: string, segmentCpuMs: number): ServiceProcess {
    const proc = spawnService({
      HOST: "127.0.0.1",
      PORT: "0",
      SQLITE_PATH: db.sqlitePath,
      ...(db.databaseUrl === undefined ? {} : { DATABASE_URL: db.databaseUrl }),
      ADMIN_API_KEY: adminKey,
      OUTBOUND_ALLOW_HOSTS: "127.0.0.1",
      RUNNER_POLL_MS: "100",
      ENGINE_WORKERS: "1",
      RUN_SEGMENT_CPU_MS: String(segmentCpuMs),
      SHUTDOWN_TIMEOUT_MS: String(shutdownTimeoutMs),
    });
    processes.push(proc);
    return proc;
  }

  function clients(url: string, adminKey: string) {
    const transport = createConnectTransport({
      baseUrl: url,
      httpVersion: "1.1",
      interceptors: [
        (next) => (req) => {
          req.header.set("x-api-key", adminKey);
          return next(req);
        },
      ],
    });
    return {
      workflows: createClient(WorkflowService, transport),
      executions: createClient(ExecutionService, transport),
    };
  }

  it(
    "drains in time and exits 0; the next start resumes the run and bounds it",
    {
      timeout: 300_000,
    },
    async () => {
      const adminKey = randomAdminKey();
      const first = start(adminKey, 3_600_000);
      const started = await within(
        first.waitFor((l) => l.action === "start"),
        generous,
        "start",
      );
      const api = clients(String(started.url), adminKey);
      // 500 evaluations of 0.1 s or more: about a minute in one synchronous stretch.
      const { workflow } = await api.workflows.createWorkflow(
        toCreateRequest(
          expressionBombWorkflow({ communityId: 1, hookBaseUrl: hooks.url, expressions: 500 }),
        ),
      );
      const workflowId = workflow?.workflowId ?? "";
      await api.workflows.publishWorkflow({ workflowId });
      const { execution } = await api.executions.executeWorkflow({ workflowId, communityId: 1n });
      const executionId = execution?.executionId ?? "";
      await within(
        hooks.waitFor((r) => r.path === `/before/${executionId}`),
        generous,
        "the run reaching the bomb",
      );
      // The hook seeing the request is not the node finishing: SIGTERM before its record is
      // stored would rightly run it again (the node in flight at a hand-over may run twice).
      await within(
        storedCompleted(api.executions, executionId, "before"),
        generous,
        "the record of the node before the bomb",
      );
      // A dry-run waits behind it on the same worker.
      const dryRun = api.executions.testWorkflow({ workflowId, communityId: 1n }).then(
        () => null,
        (error: unknown) => ConnectError.from(error),
      );

      first.child.kill("SIGTERM");
      assert.equal(await within(first.exited, generous, "exit after SIGTERM"), 0, first.stderr());
      const stopped = first.lines.find((l) => l.action === "stop");
      assert.equal(stopped?.forced, false, "drained before SHUTDOWN_TIMEOUT_MS");
      const refused = await dryRun;
      assert.ok(refused !== null, "the dry-run did not complete");

      const second = start(adminKey, 1000);
      const restarted = await within(
        second.waitFor((l) => l.action === "start"),
        generous,
        "start",
      );
      const again = clients(String(restarted.url), adminKey);
      const ended = await waitForEnd(again.executions, executionId);
      assert.equal(ended.status, ExecutionStatus.FAILED);
      assert.equal(ended.errorReason, "CPU_LIMIT_EXCEEDED");
      assert.equal(
        hooks.requests.filter((r) => r.path === `/before/${executionId}`).length,
        1,
        "resumed after the node stored before the shutdown",
      );
      second.child.kill("SIGTERM");
      assert.equal(await within(second.exited, generous, "exit"), 0, second.stderr());
    },
  );
});

async function storedCompleted(
  executions: Client<typeof ExecutionService>,
  executionId: string,
  nodeId: string,
): Promise<void> {
  for (;;) {
    const { execution } = await executions.getExecution({ executionId });
    const done = execution?.nodeRuns.some(
      (run) => run.nodeId === nodeId && run.status === NodeStatus.COMPLETED,
    );
    if (done) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

async function waitForEnd(executions: Client<typeof ExecutionService>, executionId: string) {
  const deadline = Date.now() + generous;
  for (;;) {
    const { execution } = await executions.getExecution({ executionId });
    const status = execution?.status ?? ExecutionStatus.UNSPECIFIED;
    if (
      execution !== undefined &&
      [ExecutionStatus.COMPLETED, ExecutionStatus.FAILED, ExecutionStatus.CANCELLED].includes(
        status,
      )
    ) {
      return execution;
    }
    assert.ok(Date.now() < deadline, `execution still ${ExecutionStatus[status]}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
