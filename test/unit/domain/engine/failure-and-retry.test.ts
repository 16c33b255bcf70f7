import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { RecordingActionGateway } from "../../../../src/adapters/engine-support/recording-action-gateway.js";
import { flush, ManualClock } from "../../../support/engine/manual-clock.js";
import {
  definition,
  edge,
  execute,
  finished,
  node,
  pass,
  setVar,
  start,
  statuses,
  trigger,
} from "../../../support/engine/workflow-builder.js";

const webhook = (id: string, extra = {}) =>
  node(id, "action_webhook", { url: "https://example.test/hook", ...extra });

describe("failure", () => {
  it("an unhandled node error fails the run with that node's error; the status is never completed", async () => {
    const gateway = new RecordingActionGateway(() => ({ status: 500, headers: {}, body: "boom" }));
    const def = definition(
      [trigger(), webhook("w"), setVar("after", { x: 1 })],
      [edge("t", "w"), edge("w", "after", "success")],
    );
    const { result, runs } = await execute(def, {}, { gateway });
    assert.equal(result.status, "failed");
    assert.equal(result.errorReason, "EXECUTION_ERROR");
    assert.equal(result.errorNodeId, "w");
    assert.match(result.errorMessage ?? "", /HTTP 500/);
    assert.deepEqual(result.failedNodes, ["w"]);
    assert.equal(statuses(runs).after, "cancelled");
    assert.equal(result.finalVariables.x, undefined);
  });

  it("a connected error port handles the failure: the error is the output and the run continues", async () => {
    const gateway = new RecordingActionGateway(() => ({
      status: 503,
      headers: {},
      body: { msg: "down" },
    }));
    const def = definition(
      [
        trigger(),
        webhook("w"),
        setVar("ok", { path: "ok" }),
        setVar("handled", { path: "{{ nodes.w.output.error.reason }}" }),
      ],
      [edge("t", "w"), edge("w", "ok", "success"), edge("w", "handled", "error")],
    );
    const { result, runs } = await execute(def, {}, { gateway });
    assert.equal(result.status, "completed");
    assert.equal(result.finalVariables.path, "EXECUTION_ERROR");
    const w = runs.find((r) => r.nodeId === "w");
    assert.equal(w?.status, "failed");
    assert.equal(w?.outputPort, "error");
    assert.deepEqual(w?.output, {
      status: 503,
      body: { msg: "down" },
      error: {
        reason: "EXECUTION_ERROR",
        message: "webhook POST https://example.test/hook answered HTTP 503",
      },
    });
    assert.equal(statuses(runs).ok, "skipped");
    assert.deepEqual(result.failedNodes, ["w"]);
  });

  it("a runtime expression error is a node error naming the expression", async () => {
    const def = definition(
      [trigger(), node("x", "data_transform", { transformations: { y: "vars.missing.deep" } })],
      [edge("t", "x")],
    );
    const { result } = await execute(def);
    assert.equal(result.status, "failed");
    assert.equal(result.errorReason, "EXECUTION_ERROR");
    assert.equal(result.errorNodeId, "x");
    assert.match(result.errorMessage ?? "", /vars\.missing\.deep/);
  });

  it("failing cancels running siblings: their in-flight requests are aborted", async () => {
    const gateway = new RecordingActionGateway((recorded) => {
      if (recorded.kind === "webhook" && recorded.request.url.endsWith("/slow"))
        return new Promise(() => {});
      return { status: 500, headers: {}, body: null };
    });
    const def = definition(
      [
        trigger(),
        webhook("slow", { url: "https://example.test/slow" }),
        webhook("bad", { url: "https://example.test/bad" }),
      ],
      [edge("t", "slow"), edge("t", "bad")],
    );
    const { result, runs } = await execute(def, {}, { gateway });
    assert.equal(result.status, "failed");
    assert.equal(result.errorNodeId, "bad");
    assert.equal(statuses(runs).slow, "cancelled");
    assert.equal(gateway.aborted.length, 1);
  });

  it("retries with exponential backoff on the clock, then continues downstream (the original skipped it)", async () => {
    let calls = 0;
    const gateway = new RecordingActionGateway(() => {
      calls++;
      return calls < 3
        ? { status: 502, headers: {}, body: null }
        : { status: 200, headers: {}, body: { ok: true } };
    });
    const clock = new ManualClock();
    const def = definition(
      [
        trigger(),
        webhook("w", {
          retry: { max_attempts: 4, initial_delay_ms: 100, multiplier: 3, max_delay_ms: 250 },
        }),
        setVar("after", { done: true }),
      ],
      [edge("t", "w"), edge("w", "after", "success")],
    );
    const h = start(def, {}, { gateway, clock });
    await flush();
    assert.equal(calls, 1);
    await clock.advance(99);
    assert.equal(calls, 1);
    await clock.advance(1);
    assert.equal(calls, 2);
    await clock.advance(249);
    assert.equal(calls, 2, "second delay is min(250, 100*3)");
    await clock.advance(1);
    const result = await h.result;
    assert.equal(calls, 3);
    assert.equal(result.status, "completed");
    assert.equal(result.finalVariables.done, true);
    const w = finished(h.events).find((r) => r.nodeId === "w");
    assert.equal(w?.attempt, 3);
    assert.equal(w?.logs.filter((l) => /retrying/.test(l.message)).length, 2);
  });

  it("gives up after max attempts and fails with the last error", async () => {
    const gateway = new RecordingActionGateway(() => ({ status: 500, headers: {}, body: null }));
    const clock = new ManualClock();
    const def = definition([trigger(), webhook("w", { retry_count: 1 })], [edge("t", "w")]);
    const h = start(def, {}, { gateway, clock });
    await clock.advance(1000);
    const result = await h.result;
    assert.equal(gateway.requests.length, 2);
    assert.equal(result.status, "failed");
  });

  it("an action timeout is a node error (the gateway call is aborted)", async () => {
    const gateway = new RecordingActionGateway(() => new Promise(() => {}));
    const clock = new ManualClock();
    const def = definition(
      [trigger(), webhook("w", { timeout_seconds: 2 }), pass("p")],
      [edge("t", "w"), edge("w", "p", "error")],
    );
    const h = start(def, {}, { gateway, clock });
    await clock.advance(2000);
    const result = await h.result;
    assert.equal(result.status, "completed");
    const w = finished(h.events).find((r) => r.nodeId === "w");
    assert.match(w?.errorMessage ?? "", /timed out after 2000 ms/);
    assert.equal(gateway.aborted.length, 1);
  });
});
