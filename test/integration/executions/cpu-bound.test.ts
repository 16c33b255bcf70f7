/**
 * The guarantee that no workflow can keep the service from answering: runs and dry-runs compute
 * in worker threads under a CPU-time bound per run segment (RUN_SEGMENT_CPU_MS). While the
 * worst expression bomb the cost meter allows computes (and an engine-level busy loop beside
 * it), /health and an unrelated GetExecution answer; the bomb ends failed with the bound's
 * reason, its worker is replaced, the run that shared the worker finishes, and new runs run.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { Code } from "@connectrpc/connect";
import { NodeStatus } from "../../../src/gen/waddlebot/workflow/v1/execution_pb.js";
import { expressionBombWorkflow, loopBombWorkflow } from "../../support/bomb-workflows.js";
import { delayedWorkflow, quickWorkflow } from "../../support/workflow-fixtures.js";
import { within } from "../server/service-process.js";
import {
  communityA,
  type ExecEnv,
  ExecutionStatus,
  expectRpcError,
  isTerminal,
  rest,
  show,
  startExecEnv,
  waitForExecution,
} from "./exec-support.js";

const boundMs = 1000;
// 200 evaluations of 0.1 to 0.3 s each: far longer than the bound in one synchronous stretch.
const bombExpressions = 200;
const generous = 120_000;

describe("the CPU-time bound of the engine workers", () => {
  let env: ExecEnv;
  let bombId: string;
  let loopId: string;
  let delayedId: string;
  let quickId: string;

  before(async () => {
    env = await startExecEnv({
      ENGINE_WORKERS: "2",
      RUN_SEGMENT_CPU_MS: String(boundMs),
      MAX_LOOP_ITERATIONS: "10000",
      MAX_TOTAL_OPERATIONS: "100000",
    });
    const hookBaseUrl = env.hooks.url;
    bombId = await env.publish(
      expressionBombWorkflow({
        communityId: communityA,
        hookBaseUrl,
        expressions: bombExpressions,
      }),
    );
    loopId = await env.publish(loopBombWorkflow({ communityId: communityA, maxIterations: 10000 }));
    delayedId = await env.publish(
      delayedWorkflow({ communityId: communityA, delayMs: 1500, hookBaseUrl }),
    );
    quickId = await env.publish(quickWorkflow({ communityId: communityA }));
  });
  after(() => env.close());

  it(
    "the service answers during a bomb; the bomb fails with the bound, the other runs finish",
    { timeout: 240_000 },
    async () => {
      const api = env.api("grpc-js");
      const community = BigInt(communityA);
      const unrelated = await api.execute({ workflowId: quickId, communityId: community });
      await waitForExecution(api, unrelated.executionId);

      // With two workers, the delayed run and the bomb share the first, the loop gets the second.
      const delayed = await api.execute({ workflowId: delayedId, communityId: community });
      await env.hooks.waitFor((r) => r.path === `/before/${delayed.executionId}`);
      const loop = await api.execute({ workflowId: loopId, communityId: community });
      await waitForExecution(api, loop.executionId, (e) =>
        e.nodeRuns.some((r) => r.nodeId === "work"),
      );
      const bomb = await api.execute({ workflowId: bombId, communityId: community });
      await env.hooks.waitFor((r) => r.path === `/before/${bomb.executionId}`);

      let answeredDuringBomb = 0;
      for (;;) {
        const health = await fetch(`${env.svc.url}/health`);
        assert.equal(health.status, 200);
        await health.text();
        const seen = await api.get({ executionId: unrelated.executionId });
        assert.equal(seen.status, ExecutionStatus.COMPLETED);
        const current = await within(
          api.get({ executionId: bomb.executionId }),
          generous,
          "GetExecution of the bomb",
        );
        if (isTerminal(current.status)) break;
        answeredDuringBomb++;
      }
      assert.ok(answeredDuringBomb >= 3, `answered ${answeredDuringBomb} times during the bomb`);

      const failed = await api.get({ executionId: bomb.executionId });
      assert.equal(failed.status, ExecutionStatus.FAILED, show(failed));
      assert.equal(failed.errorReason, "CPU_LIMIT_EXCEEDED");
      assert.equal(
        failed.errorMessage,
        `run exceeded its CPU-time bound of ${boundMs} ms in node bomb`,
      );
      const bombRecord = failed.nodeRuns.find((r) => r.nodeId === "bomb");
      assert.equal(bombRecord?.status, NodeStatus.FAILED, show(failed.nodeRuns));
      assert.equal(bombRecord?.errorReason, "CPU_LIMIT_EXCEEDED");
      assert.ok(
        env.svc.logs.find(
          (l) => l.action === "engine_worker_replaced" && l.execution_id === bomb.executionId,
        ).length === 1,
        "the replacement is logged once, naming the execution",
      );

      // The run that shared the bomb's worker went on from its checkpoint on a new worker.
      const finished = await waitForExecution(api, delayed.executionId, isDone, generous);
      assert.equal(finished.status, ExecutionStatus.COMPLETED, show(finished));
      assert.equal(
        env.hooks.requests.filter((r) => r.path === `/before/${delayed.executionId}`).length,
        1,
        "the node stored before the replacement did not run again",
      );

      // The busy loop on the other worker was untouched and stops when cancelled.
      const spinning = await api.get({ executionId: loop.executionId });
      assert.equal(spinning.status, ExecutionStatus.RUNNING);
      const cancelled = await within(
        api.cancel({ executionId: loop.executionId, reason: "enough" }),
        generous,
        "cancel of the busy loop",
      );
      assert.equal(cancelled.status, ExecutionStatus.CANCELLED);

      const next = await api.execute({ workflowId: quickId, communityId: community });
      const done = await waitForExecution(api, next.executionId, isDone, generous);
      assert.equal(done.status, ExecutionStatus.COMPLETED, show(done));
    },
  );

  it(
    "a dry-run over the bound answers RESOURCE_EXHAUSTED (REST 400) naming the node",
    {
      timeout: 240_000,
    },
    async () => {
      for (const kind of ["grpc-js", "connect-h1"] as const) {
        const got = await expectRpcError(
          env.api(kind).test({ workflowId: bombId, communityId: BigInt(communityA) }),
          Code.ResourceExhausted,
          "CPU_LIMIT_EXCEEDED",
          kind,
        );
        assert.match(
          got.message,
          new RegExp(`dry-run exceeded its CPU-time bound of ${boundMs} ms in node bomb`),
        );
      }
      const reply = await rest(
        env.svc.url,
        env.ownerKey,
        "POST",
        `/api/v1/workflows/${bombId}/test`,
        {
          community_id: communityA,
        },
      );
      assert.equal(reply.status, 400, show(reply.body));
      assert.equal(reply.body.error_code, "CPU_LIMIT_EXCEEDED");
      assert.equal(reply.body.details.node_id, "bomb");
      assert.equal(reply.body.details.limit_ms, String(boundMs));

      const after = await env
        .api("connect-h1")
        .test({ workflowId: quickId, communityId: BigInt(communityA) });
      assert.equal(after.summary?.passed, true, "dry-runs go on after the replacement");
    },
  );
});

function isDone(execution: { status: ExecutionStatus }): boolean {
  return isTerminal(execution.status);
}
