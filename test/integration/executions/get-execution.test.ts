import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { toJson } from "@bufbuild/protobuf";
import { timestampDate } from "@bufbuild/protobuf/wkt";
import { Code } from "@connectrpc/connect";
import {
  type Execution,
  ExecutionSchema,
  NodeStatus,
} from "../../../src/gen/waddlebot/workflow/v1/execution_pb.js";
import { edge, modalWorkflow, node, type WorkflowSpec } from "../../support/workflow-fixtures.js";
import {
  allClientKinds,
  communityA,
  type ExecEnv,
  ExecutionStatus,
  expectRpcError,
  json,
  ownerUserId,
  rest,
  show,
  startExecEnv,
  waitForExecution,
} from "./exec-support.js";

/**
 * trigger → pick (set n) → bad (webhook answering 503, two attempts; its error port is
 * connected) → recover → rounds (foreach over [1, 2, 3]; brk breaks in iteration 1) → end.
 */
function observedWorkflow(hookBaseUrl: string): WorkflowSpec {
  return {
    name: "Observed",
    communityId: communityA,
    globalVariables: { list: [1, 2, 3] },
    nodes: [
      node("start", "trigger_command", { command_pattern: "!obs", platforms: ["twitch"] }),
      node("pick", "data_variable_set", { variables: { n: 3 } }),
      node("bad", "action_webhook", {
        url: `${hookBaseUrl}/status/503`,
        method: "POST",
        body_template: '{"try": true}',
        retry: { max_attempts: 2, initial_delay_ms: 10, max_delay_ms: 10 },
      }),
      node("recover", "data_variable_set", {
        variables: { recovered: "{{ nodes.bad.output.error.reason }}" },
      }),
      node("rounds", "loop_foreach", { array_variable: "list" }),
      node("brk", "loop_break", { break_condition: "index >= 1" }),
      node("end", "flow_end", { output_expression: "{'recovered': vars.recovered, 'n': vars.n}" }),
    ],
    edges: [
      edge("start", "output", "pick"),
      edge("pick", "output", "bad"),
      edge("bad", "error", "recover"),
      edge("recover", "output", "rounds"),
      edge("rounds", "loop", "brk"),
      edge("brk", "continue", "rounds"),
      edge("rounds", "done", "end"),
    ],
  };
}

describe("GetExecution", () => {
  let env: ExecEnv;
  let completed: Execution;
  let failed: Execution;

  before(async () => {
    // Delays wait in memory here (parking off): the run timeout counts only the time a run is
    // active, so a parked delay is never cut short by it (docs/engine.md, Durable waits).
    env = await startExecEnv({ RUNNER_PARK_AFTER_MS: "0" });
    const api = env.api("grpc-js");
    const observedId = await env.publish(observedWorkflow(env.hooks.url));
    const run = await api.execute({
      workflowId: observedId,
      communityId: BigInt(communityA),
      variables: { from: "caller" },
    });
    completed = await waitForExecution(api, run.executionId);
    const modalId = await env.publish(modalWorkflow({ communityId: communityA }));
    const bad = await api.execute({
      workflowId: modalId,
      communityId: BigInt(communityA),
      variables: { mode: "fail" },
    });
    failed = await waitForExecution(api, bad.executionId);
  });
  after(() => env.close());

  it("reports status, timings, counts, output, variables and per-node records with logs", () => {
    const e = completed;
    assert.equal(e.status, ExecutionStatus.COMPLETED, e.errorMessage);
    assert.equal(e.success, true);
    assert.equal(e.triggeredBy, ownerUserId);
    assert.ok(e.createdAt && e.startedAt && e.completedAt);
    const created = timestampDate(e.createdAt).getTime();
    const started = timestampDate(e.startedAt).getTime();
    const ended = timestampDate(e.completedAt).getTime();
    assert.ok(created <= started && started <= ended, "created ≤ started ≤ completed");
    assert.ok(e.durationMs >= 0n);
    assert.ok(
      Math.abs(Number(e.durationMs) - (ended - started)) <= 5,
      "duration = completed - started",
    );
    assert.equal(e.errorReason, "");
    assert.equal(e.errorMessage, "");
    assert.deepEqual(json(e.finalOutput), { recovered: "EXECUTION_ERROR", n: 3 });
    assert.deepEqual(e.finalVariables, {
      list: [1, 2, 3],
      from: "caller",
      n: 3,
      recovered: "EXECUTION_ERROR",
    });
    assert.equal(e.totalNodes, 7);
    assert.deepEqual(e.failedNodes, ["bad"]);

    const order = e.nodeRuns.map(
      (r) => `${r.nodeId}${r.iterationPath.length ? `[${r.iterationPath}]` : ""}`,
    );
    assert.deepEqual(order, [
      "start",
      "pick",
      "bad",
      "recover",
      "rounds",
      "brk[0]",
      "brk[1]",
      "end",
    ]);
    assert.deepEqual(
      e.nodeRuns.map((r) => r.sequence),
      e.nodeRuns.map((_, i) => i + 1),
    );
    const ran = e.nodeRuns.filter(
      (r) => r.status === NodeStatus.COMPLETED || r.status === NodeStatus.FAILED,
    );
    assert.equal(e.nodesExecuted, ran.length);
    for (const r of e.nodeRuns) {
      assert.ok(r.startedAt && r.completedAt, `${r.nodeId} has its times`);
      assert.ok(timestampDate(r.startedAt).getTime() <= timestampDate(r.completedAt).getTime());
      assert.ok(r.durationMs >= 0n);
    }

    const bad = e.nodeRuns.find((r) => r.nodeId === "bad");
    assert.ok(bad);
    assert.equal(bad.status, NodeStatus.FAILED);
    assert.equal(bad.nodeType, "action_webhook");
    assert.equal(bad.attempt, 2, "retried once");
    assert.equal(bad.outputPort, "error");
    assert.equal(bad.errorReason, "EXECUTION_ERROR");
    assert.match(bad.errorMessage, /503/);
    assert.ok(bad.logs.length >= 1, "a log line per retry");
    assert.ok(bad.logs.every((l) => l.time && l.message !== ""));
    const badOutput = json(bad.output) as { error: { reason: string }; status: number };
    assert.equal(badOutput.error.reason, "EXECUTION_ERROR");
    assert.equal(badOutput.status, 503);
    assert.equal(env.hooks.to("/status/503").length, 2, "two attempts reached the server");

    const pick = e.nodeRuns.find((r) => r.nodeId === "pick");
    assert.deepEqual(json(pick?.output), { n: 3 });
    assert.equal(pick?.outputPort, "output");

    const breaking = e.nodeRuns.find((r) => r.nodeId === "brk" && r.iterationPath[0] === 1);
    assert.ok(
      breaking?.logs.some((l) => /break/.test(l.message)),
      show(breaking?.logs),
    );
    const rounds = e.nodeRuns.find((r) => r.nodeId === "rounds");
    assert.equal(rounds?.iterations, 2);
    assert.deepEqual(json(rounds?.output), { iterations: 2, broken: true });
    assert.equal(rounds?.outputPort, "done");
    assert.ok((e.nodeRuns.at(-1)?.operations ?? 0) > 0);
  });

  it("reports a failed run: reason, message, failing node", () => {
    const e = failed;
    assert.equal(e.status, ExecutionStatus.FAILED);
    assert.equal(e.success, false);
    assert.equal(e.errorReason, "EXECUTION_ERROR");
    assert.match(e.errorMessage, /vars\.missing\.deeper/);
    assert.equal(e.errorNodeId, "boom");
    assert.deepEqual(e.failedNodes, ["boom"]);
    const boom = e.nodeRuns.find((r) => r.nodeId === "boom");
    assert.equal(boom?.status, NodeStatus.FAILED);
    assert.equal(boom?.errorReason, "EXECUTION_ERROR");
    assert.ok(e.completedAt);
  });

  it("omit_logs leaves out log lines; omit_node_runs leaves out the records (light poll)", async () => {
    for (const kind of allClientKinds) {
      const api = env.api(kind);
      const noLogs = await api.get({ executionId: completed.executionId, omitLogs: true });
      assert.equal(noLogs.nodeRuns.length, completed.nodeRuns.length, kind);
      assert.ok(
        noLogs.nodeRuns.every((r) => r.logs.length === 0),
        `${kind}: no logs`,
      );
      assert.deepEqual(
        noLogs.nodeRuns.map((r) => json(r.output)),
        completed.nodeRuns.map((r) => json(r.output)),
      );
      const light = await api.get({ executionId: completed.executionId, omitNodeRuns: true });
      assert.equal(light.nodeRuns.length, 0, kind);
      assert.equal(light.status, ExecutionStatus.COMPLETED);
      assert.deepEqual(json(light.finalOutput), json(completed.finalOutput));
      assert.deepEqual(light.finalVariables, completed.finalVariables);
      assert.equal(light.nodesExecuted, completed.nodesExecuted);
    }
  });

  it("every client sees the same execution", async () => {
    const reference = toJson(ExecutionSchema, completed);
    for (const kind of allClientKinds) {
      const got = await env.api(kind).get({ executionId: completed.executionId });
      assert.deepEqual(toJson(ExecutionSchema, got), reference, kind);
    }
  });

  it("REST shows the same run", async () => {
    const reply = await rest(
      env.svc.url,
      env.ownerKey,
      "GET",
      `/api/v1/workflows/executions/${completed.executionId}`,
    );
    assert.equal(reply.status, 200, show(reply.body));
    const data = reply.body.data;
    assert.equal(data.status, "completed");
    assert.deepEqual(data.final_output, json(completed.finalOutput));
    assert.deepEqual(data.failed_nodes, ["bad"]);
    assert.equal(data.node_runs.length, completed.nodeRuns.length);
    const light = await rest(
      env.svc.url,
      env.ownerKey,
      "GET",
      `/api/v1/workflows/executions/${completed.executionId}?include_node_runs=false`,
    );
    assert.equal(light.body.data.node_runs, undefined);
  });

  it("an unknown execution is NOT_FOUND on every client", async () => {
    for (const kind of allClientKinds) {
      for (const executionId of ["0190aaaa-0000-7000-8000-000000000000", "nope", ""]) {
        await expectRpcError(
          env.api(kind).get({ executionId }),
          Code.NotFound,
          "NOT_FOUND",
          `${kind} ${executionId}`,
        );
      }
    }
  });

  it("a run that hits a limit fails with the limit's reason", { timeout: 60_000 }, async () => {
    const api = env.api("grpc-js");
    const endless = await env.publish({
      name: "Endless",
      communityId: communityA,
      nodes: [
        node("start", "trigger_command", { command_pattern: "!spin", platforms: ["twitch"] }),
        node("spin", "loop_while", { condition: "true" }),
        node("body", "flow_merge"),
        node("end", "flow_end"),
      ],
      edges: [
        edge("start", "output", "spin"),
        edge("spin", "loop", "body"),
        edge("body", "output", "spin"),
        edge("spin", "done", "end"),
      ],
    });
    const looped = await api.execute({ workflowId: endless, communityId: BigInt(communityA) });
    const loopDone = await waitForExecution(api, looped.executionId);
    assert.equal(loopDone.status, ExecutionStatus.FAILED);
    assert.equal(loopDone.errorReason, "LOOP_LIMIT_EXCEEDED", loopDone.errorMessage);
    assert.equal(loopDone.errorNodeId, "spin");

    const slow = await env.publish({
      ...modalWorkflow({ communityId: communityA, slowDelayMs: 60_000, name: "Too slow" }),
      limits: { timeoutSeconds: 1 },
    });
    const timed = await api.execute({
      workflowId: slow,
      communityId: BigInt(communityA),
      variables: { mode: "slow" },
    });
    const timedDone = await waitForExecution(api, timed.executionId);
    assert.equal(timedDone.status, ExecutionStatus.FAILED);
    assert.equal(timedDone.errorReason, "EXECUTION_TIMEOUT", timedDone.errorMessage);
    const wait = timedDone.nodeRuns.find((r) => r.nodeId === "wait");
    assert.equal(wait?.status, NodeStatus.CANCELLED, "the running delay was stopped");
  });
});
