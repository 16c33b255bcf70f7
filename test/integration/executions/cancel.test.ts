import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { timestampDate } from "@bufbuild/protobuf/wkt";
import { Code } from "@connectrpc/connect";
import { NodeStatus } from "../../../src/gen/waddlebot/workflow/v1/execution_pb.js";
import {
  delayedWorkflow,
  edge,
  node,
  quickWorkflow,
  type WorkflowSpec,
} from "../../support/workflow-fixtures.js";
import { within } from "../server/service-process.js";
import {
  allClientKinds,
  collect,
  communityA,
  type ExecEnv,
  ExecutionStatus,
  expectRpcError,
  rest,
  show,
  sleep,
  startExecEnv,
  waitForExecution,
} from "./exec-support.js";

const delayMs = 120_000;

/** trigger → call (a webhook the test never answers) → after (webhook) → end. */
function hangingCallWorkflow(hookBaseUrl: string): WorkflowSpec {
  return {
    name: "Hanging call",
    communityId: communityA,
    nodes: [
      node("start", "trigger_command", { command_pattern: "!hang", platforms: ["twitch"] }),
      node("call", "action_webhook", {
        url: `${hookBaseUrl}/hold/{{ trigger.tag }}`,
        method: "POST",
        body_template: "{}",
        timeout_seconds: 120,
      }),
      node("after", "action_webhook", {
        url: `${hookBaseUrl}/after/{{ execution.execution_id }}`,
        method: "POST",
        body_template: "{}",
      }),
      node("end", "flow_end"),
    ],
    edges: [
      edge("start", "output", "call"),
      edge("call", "success", "after"),
      edge("after", "success", "end"),
    ],
  };
}

describe("CancelExecution", () => {
  let env: ExecEnv;
  let slowId: string;
  let quickId: string;

  before(async () => {
    // One run at a time, so a second execution stays pending while the first one waits.
    // One slot, held by a delay waiting in memory (parking off; cancelling a parked run:
    // durable-timers.test.ts).
    env = await startExecEnv({ RUNNER_CONCURRENCY: "1", RUNNER_PARK_AFTER_MS: "0" });
    slowId = await env.publish(
      delayedWorkflow({ communityId: communityA, delayMs, hookBaseUrl: env.hooks.url }),
    );
    quickId = await env.publish(quickWorkflow({ communityId: communityA }));
  });
  after(() => env.close());

  for (const kind of allClientKinds) {
    it(
      `${kind}: cancelling mid-delay stops the run long before the delay ends`,
      {
        timeout: 60_000,
      },
      async () => {
        const api = env.api(kind);
        const started = await api.execute({ workflowId: slowId, communityId: BigInt(communityA) });
        const id = started.executionId;
        // The run is inside the delay once the first webhook was answered and recorded.
        await env.hooks.waitFor((r) => r.path === `/before/${id}`);
        await waitForExecution(api, id, (e) =>
          e.nodeRuns.some((r) => r.nodeId === "before" && r.status === NodeStatus.COMPLETED),
        );

        const cancelled = await within(
          api.cancel({ executionId: id, reason: `stopped by ${kind}` }),
          30_000,
          "the cancel answer (the delay is 120 s)",
        );
        assert.equal(cancelled.status, ExecutionStatus.CANCELLED, show(cancelled));
        assert.ok(cancelled.completedAt);

        const after = await api.get({ executionId: id });
        assert.equal(after.status, ExecutionStatus.CANCELLED);
        assert.equal(after.success, false);
        const byNode = new Map(after.nodeRuns.map((r) => [r.nodeId, r]));
        assert.equal(byNode.get("before")?.status, NodeStatus.COMPLETED);
        assert.equal(byNode.get("wait")?.status, NodeStatus.CANCELLED, show(after.nodeRuns));
        for (const nodeId of ["after", "end"]) {
          const status = byNode.get(nodeId)?.status;
          assert.ok(
            status === undefined || status === NodeStatus.CANCELLED,
            `${nodeId} never ran (${status === undefined ? "no record" : NodeStatus[status]})`,
          );
        }
        const ran =
          timestampDate(after.completedAt ?? cancelled.completedAt).getTime() -
          timestampDate(after.startedAt ?? started.createdAt ?? cancelled.completedAt).getTime();
        assert.ok(ran < delayMs, "ended before the delay could have");
        assert.equal(
          env.hooks.to(`/after/${id}`).length,
          0,
          "the server after the delay got nothing",
        );
      },
    );
  }

  it(
    "cancelling aborts the running node: its in-flight webhook call is abandoned",
    {
      timeout: 60_000,
    },
    async () => {
      const workflowId = await env.publish(hangingCallWorkflow(env.hooks.url));
      for (const kind of ["grpc-js", "grpc-web", "connect-h2"] as const) {
        const api = env.api(kind);
        const tag = `hang-${kind}`;
        env.hooks.hold(`/hold/${tag}`);
        const run = await api.execute({
          workflowId,
          communityId: BigInt(communityA),
          trigger: { data: { tag } },
        });
        const call = await env.hooks.waitFor((r) => r.path === `/hold/${tag}`);
        const cancelled = await within(
          api.cancel({ executionId: run.executionId }),
          30_000,
          "cancel",
        );
        assert.equal(cancelled.status, ExecutionStatus.CANCELLED);
        await within(call.abandoned, 30_000, "the service closing the webhook connection");
        const after = await api.get({ executionId: run.executionId });
        const byNode = new Map(after.nodeRuns.map((r) => [r.nodeId, r.status]));
        assert.equal(byNode.get("call"), NodeStatus.CANCELLED, show(after.nodeRuns));
        assert.notEqual(byNode.get("after"), NodeStatus.COMPLETED);
        assert.equal(env.hooks.to(`/after/${run.executionId}`).length, 0);
      }
    },
  );

  it("a pending execution is cancelled before it starts", { timeout: 60_000 }, async () => {
    const api = env.api("connect-h2");
    const busy = await api.execute({ workflowId: slowId, communityId: BigInt(communityA) });
    await env.hooks.waitFor((r) => r.path === `/before/${busy.executionId}`);
    // The only runner slot is taken: this one waits.
    const queued = await api.execute({ workflowId: slowId, communityId: BigInt(communityA) });
    assert.equal(
      (await api.get({ executionId: queued.executionId })).status,
      ExecutionStatus.PENDING,
    );
    const cancelled = await api.cancel({ executionId: queued.executionId });
    assert.equal(cancelled.status, ExecutionStatus.CANCELLED);
    await api.cancel({ executionId: busy.executionId });
    // The freed slot must not pick the cancelled one up.
    const done = await api.get({ executionId: queued.executionId });
    assert.equal(done.status, ExecutionStatus.CANCELLED);
    assert.equal(done.nodeRuns.filter((r) => r.status === NodeStatus.COMPLETED).length, 0);
    assert.equal(env.hooks.to(`/before/${queued.executionId}`).length, 0);
  });

  it("cancelling a finished run is FAILED_PRECONDITION on every client (REST 409)", async () => {
    const api = env.api("grpc-js");
    const run = await api.execute({ workflowId: quickId, communityId: BigInt(communityA) });
    const done = await waitForExecution(api, run.executionId);
    assert.equal(done.status, ExecutionStatus.COMPLETED);
    for (const kind of allClientKinds) {
      await expectRpcError(
        env.api(kind).cancel({ executionId: run.executionId }),
        Code.FailedPrecondition,
        "FAILED_PRECONDITION",
        kind,
      );
    }
    const reply = await rest(
      env.svc.url,
      env.ownerKey,
      "POST",
      `/api/v1/workflows/executions/${run.executionId}/cancel`,
    );
    assert.equal(reply.status, 409, show(reply.body));
    assert.equal(reply.body.error_code, "FAILED_PRECONDITION");
    assert.equal(
      (await api.get({ executionId: run.executionId })).status,
      ExecutionStatus.COMPLETED,
    );
  });

  it(
    "a cancelled run stays cancelled: a second cancel is FAILED_PRECONDITION, a watch ends at once",
    {
      timeout: 60_000,
    },
    async () => {
      const api = env.api("connect-h1");
      const run = await api.execute({ workflowId: slowId, communityId: BigInt(communityA) });
      await env.hooks.waitFor((r) => r.path === `/before/${run.executionId}`);
      const viaRest = await rest(
        env.svc.url,
        env.ownerKey,
        "POST",
        `/api/v1/workflows/executions/${run.executionId}/cancel`,
        { reason: "over REST" },
      );
      assert.equal(viaRest.status, 200, show(viaRest.body));
      assert.equal(viaRest.body.data.status, "cancelled");
      for (const kind of allClientKinds) {
        await expectRpcError(
          env.api(kind).cancel({ executionId: run.executionId }),
          Code.FailedPrecondition,
          "FAILED_PRECONDITION",
          kind,
        );
      }
      // Let the runner poll a few times: nothing brings the run back.
      await sleep(500);
      const later = await api.get({ executionId: run.executionId });
      assert.equal(later.status, ExecutionStatus.CANCELLED);
      const events = await within(
        collect(api.watch({ executionId: run.executionId })),
        20_000,
        "watch",
      );
      assert.equal(events.length, 1);
      assert.equal(events[0]?.event.case, "snapshot");
      assert.equal(env.hooks.to(`/after/${run.executionId}`).length, 0);
    },
  );

  it("an unknown execution is NOT_FOUND", async () => {
    for (const kind of allClientKinds) {
      await expectRpcError(
        env.api(kind).cancel({ executionId: "0190aaaa-0000-7000-8000-000000000000" }),
        Code.NotFound,
        "NOT_FOUND",
        kind,
      );
    }
  });

  it("no cancelled run ever reached the webhook after its delay", () => {
    assert.equal(env.hooks.to("/after/").length, 0);
  });
});
