import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { Code } from "@connectrpc/connect";
import {
  type ExecutionEvent,
  NodeStatus,
} from "../../../src/gen/waddlebot/workflow/v1/execution_pb.js";
import { delayedWorkflow, edge, node, type WorkflowSpec } from "../../support/workflow-fixtures.js";
import { within } from "../server/service-process.js";
import {
  allClientKinds,
  collect,
  communityA,
  type ExecEnv,
  ExecutionStatus,
  expectRpcError,
  show,
  startExecEnv,
  waitForExecution,
} from "./exec-support.js";

/** trigger → first → gate (a webhook the test holds open) → second → end. */
function gatedWorkflow(hookBaseUrl: string): WorkflowSpec {
  return {
    name: "Gated",
    communityId: communityA,
    nodes: [
      node("start", "trigger_command", { command_pattern: "!gate", platforms: ["twitch"] }),
      node("first", "data_variable_set", { variables: { a: 1 } }),
      node("gate", "action_webhook", {
        url: `${hookBaseUrl}/hold/{{ trigger.tag }}`,
        method: "POST",
        body_template: "{}",
        timeout_seconds: 120,
      }),
      node("second", "data_variable_set", { variables: { b: 2 } }),
      node("end", "flow_end", { output_expression: "vars.a + vars.b" }),
    ],
    edges: [
      edge("start", "output", "first"),
      edge("first", "output", "gate"),
      edge("gate", "success", "second"),
      edge("second", "output", "end"),
    ],
  };
}

describe("WatchExecution", () => {
  let env: ExecEnv;
  let gatedId: string;
  let slowId: string;

  before(async () => {
    env = await startExecEnv();
    gatedId = await env.publish(gatedWorkflow(env.hooks.url));
    slowId = await env.publish(
      delayedWorkflow({ communityId: communityA, delayMs: 120_000, hookBaseUrl: env.hooks.url }),
    );
  });
  after(() => env.close());

  for (const kind of allClientKinds) {
    it(
      `${kind}: a snapshot first, then node runs and status changes as they happen, ending when terminal`,
      {
        timeout: 60_000,
      },
      async () => {
        const api = env.api(kind);
        const tag = `watch-${kind}`;
        env.hooks.hold(`/hold/${tag}`);
        const started = await api.execute({
          workflowId: gatedId,
          communityId: BigInt(communityA),
          trigger: { data: { tag } },
        });
        const id = started.executionId;
        // The run is now blocked inside `gate`.
        await env.hooks.waitFor((r) => r.path === `/hold/${tag}`);

        const events: ExecutionEvent[] = [];
        const stream = api.watch({ executionId: id })[Symbol.asyncIterator]();
        const first = await within(stream.next(), 20_000, "the snapshot");
        assert.ok(!first.done);
        events.push(first.value);
        const snapshot = first.value.event;
        assert.equal(snapshot.case, "snapshot");
        assert.equal(snapshot.value.executionId, id);
        assert.equal(snapshot.value.status, ExecutionStatus.RUNNING, "the snapshot is live state");
        assert.ok(
          !snapshot.value.nodeRuns.some((r) => r.nodeId === "gate" || r.nodeId === "second"),
          "nothing after the gate has run yet",
        );

        env.hooks.release(`/hold/${tag}`);
        for (;;) {
          const next = await within(stream.next(), 30_000, "the next event");
          if (next.done) break;
          events.push(next.value);
        }

        // Sequence numbers grow from 1; only the first event is a snapshot.
        assert.deepEqual(
          events.map((e) => e.sequence),
          events.map((_, i) => BigInt(i + 1)),
        );
        assert.ok(events.slice(1).every((e) => e.event.case !== "snapshot"));
        assert.ok(events.slice(1).every((e) => e.time !== undefined));
        const last = events.at(-1)?.event;
        assert.equal(last?.case, "statusChange", show(events.map((e) => e.event.case)));
        assert.equal(last?.value.status, ExecutionStatus.COMPLETED);

        // Snapshot records plus node-run events are exactly the stored records, each once.
        const streamed = [
          ...snapshot.value.nodeRuns,
          ...events.flatMap((e) => (e.event.case === "nodeRun" ? [e.event.value] : [])),
        ];
        const stored = await api.get({ executionId: id });
        assert.equal(stored.status, ExecutionStatus.COMPLETED);
        assert.deepEqual(
          streamed.map((r) => `${r.sequence}:${r.nodeId}:${NodeStatus[r.status]}`),
          stored.nodeRuns.map((r) => `${r.sequence}:${r.nodeId}:${NodeStatus[r.status]}`),
        );
        const live = events
          .flatMap((e) => (e.event.case === "nodeRun" ? [e.event.value.nodeId] : []))
          .filter((nodeId) => ["gate", "second", "end"].includes(nodeId));
        assert.deepEqual(live, ["gate", "second", "end"], "the runs after the gate came as events");
      },
    );
  }

  it("every event carries its time, the snapshot too", async () => {
    const api = env.api("connect-h1");
    const run = await api.execute({
      workflowId: gatedId,
      communityId: BigInt(communityA),
      trigger: { data: { tag: "timed" } },
    });
    await waitForExecution(api, run.executionId);
    const [snapshot] = await collect(api.watch({ executionId: run.executionId }));
    assert.equal(snapshot?.event.case, "snapshot");
    assert.ok(snapshot?.time, "ExecutionEvent.time of the snapshot is set");
  });

  it("watching a finished execution sends its snapshot and ends", async () => {
    const api = env.api("grpc-js");
    const tag = "finished";
    const run = await api.execute({
      workflowId: gatedId,
      communityId: BigInt(communityA),
      trigger: { data: { tag } },
    });
    await waitForExecution(api, run.executionId);
    for (const kind of allClientKinds) {
      const events = await within(
        collect(env.api(kind).watch({ executionId: run.executionId })),
        20_000,
        `${kind} watch`,
      );
      assert.equal(events.length, 1, kind);
      const only = events[0]?.event;
      assert.equal(only?.case, "snapshot");
      assert.equal(only?.value.status, ExecutionStatus.COMPLETED);
      assert.equal(only?.value.nodeRuns.length, 5);
    }
  });

  it(
    "a watch ends with the cancellation when the run is cancelled",
    { timeout: 60_000 },
    async () => {
      for (const kind of ["grpc-js", "connect-h1", "grpc-web"] as const) {
        const api = env.api(kind);
        const run = await api.execute({ workflowId: slowId, communityId: BigInt(communityA) });
        await env.hooks.waitFor((r) => r.path === `/before/${run.executionId}`);
        const stream = api.watch({ executionId: run.executionId })[Symbol.asyncIterator]();
        const first = await within(stream.next(), 20_000, `${kind} snapshot`);
        assert.ok(!first.done);
        const events: ExecutionEvent[] = [first.value];
        // The watch is open (its snapshot arrived); cancel from another client.
        await env.api("connect-h2").cancel({ executionId: run.executionId });
        for (;;) {
          const next = await within(stream.next(), 20_000, `${kind} watch end`);
          if (next.done) break;
          events.push(next.value);
        }
        assert.equal(events[0]?.event.case, "snapshot");
        const last = events.at(-1)?.event;
        assert.equal(last?.case, "statusChange", kind);
        assert.equal(last?.value.status, ExecutionStatus.CANCELLED);
      }
    },
  );

  it("an unknown execution is NOT_FOUND", async () => {
    for (const kind of allClientKinds) {
      await expectRpcError(
        collect(env.api(kind).watch({ executionId: "0190aaaa-0000-7000-8000-000000000000" })),
        Code.NotFound,
        "NOT_FOUND",
        kind,
      );
    }
  });
});

describe("WatchExecution from a pending execution", () => {
  let env: ExecEnv;
  let gatedId: string;

  before(async () => {
    // One runner slot: a second execution waits, pending, behind the first.
    env = await startExecEnv({ RUNNER_CONCURRENCY: "1" });
    gatedId = await env.publish(gatedWorkflow(env.hooks.url));
  });
  after(() => env.close());

  for (const kind of ["grpc-js", "connect-h1", "grpc-web"] as const) {
    it(
      `${kind}: sees pending, then running, the node runs, then completed`,
      {
        timeout: 60_000,
      },
      async () => {
        const api = env.api(kind);
        const blocker = `blocker-${kind}`;
        env.hooks.hold(`/hold/${blocker}`);
        await api.execute({
          workflowId: gatedId,
          communityId: BigInt(communityA),
          trigger: { data: { tag: blocker } },
        });
        await env.hooks.waitFor((r) => r.path === `/hold/${blocker}`);
        const queued = await api.execute({
          workflowId: gatedId,
          communityId: BigInt(communityA),
          trigger: { data: { tag: `queued-${kind}` } },
        });

        const stream = api.watch({ executionId: queued.executionId })[Symbol.asyncIterator]();
        const first = await within(stream.next(), 20_000, "the snapshot");
        assert.ok(!first.done);
        assert.equal(first.value.event.case, "snapshot");
        assert.equal(first.value.event.value.status, ExecutionStatus.PENDING);
        assert.deepEqual(first.value.event.value.nodeRuns, []);

        env.hooks.release(`/hold/${blocker}`);
        const events: ExecutionEvent[] = [first.value];
        for (;;) {
          const next = await within(stream.next(), 30_000, "the next event");
          if (next.done) break;
          events.push(next.value);
        }
        const statuses = events.flatMap((e) =>
          e.event.case === "statusChange" ? [ExecutionStatus[e.event.value.status]] : [],
        );
        assert.deepEqual(statuses, ["RUNNING", "COMPLETED"]);
        const nodeIds = events.flatMap((e) =>
          e.event.case === "nodeRun" ? [e.event.value.nodeId] : [],
        );
        assert.deepEqual(nodeIds, ["start", "first", "gate", "second", "end"]);
        const runningAt = events.findIndex((e) => e.event.case === "statusChange");
        const firstNodeAt = events.findIndex((e) => e.event.case === "nodeRun");
        assert.ok(runningAt < firstNodeAt, "running is reported before the first node run");
      },
    );
  }
});
