import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { RecordingActionGateway } from "../../../../src/adapters/engine-support/recording-action-gateway.js";
import { flush, ManualClock } from "../../../support/engine/manual-clock.js";
import {
  definition,
  edge,
  end,
  finished,
  node,
  setVar,
  start,
  statuses,
  trigger,
} from "../../../support/engine/workflow-builder.js";

describe("cancellation", () => {
  it("stops promptly: running requests aborted, delays cut short, the rest cancelled, status cancelled", async () => {
    const gateway = new RecordingActionGateway(() => new Promise(() => {}));
    const clock = new ManualClock();
    const controller = new AbortController();
    const def = definition(
      [
        trigger(),
        node("w", "action_webhook", { url: "https://example.test/x" }),
        node("d", "action_delay", { delay_ms: 60_000 }),
        setVar("after", { x: 1 }),
        end("e"),
      ],
      [
        edge("t", "w"),
        edge("t", "d"),
        edge("w", "after", "success"),
        edge("d", "after", "success"),
        edge("after", "e"),
      ],
    );
    const h = start(def, { signal: controller.signal }, { gateway, clock });
    await flush();
    assert.equal(gateway.requests.length, 1);
    controller.abort();
    const result = await h.result;
    assert.equal(result.status, "cancelled");
    assert.notEqual(result.status, "completed");
    const s = statuses(finished(h.events));
    assert.equal(s.w, "cancelled");
    assert.equal(s.d, "cancelled");
    assert.equal(s.after, "cancelled");
    assert.equal(s.e, "cancelled");
    assert.equal(gateway.aborted.length, 1);
    assert.equal(clock.pending, 0, "the delay's timer was released");
    assert.equal(result.finalVariables.x, undefined);
  });

  it("an already-aborted signal cancels before any node runs", async () => {
    const controller = new AbortController();
    controller.abort();
    const def = definition([trigger(), setVar("s", { x: 1 })], [edge("t", "s")]);
    const h = start(def, { signal: controller.signal });
    const result = await h.result;
    assert.equal(result.status, "cancelled");
    assert.equal(result.nodesExecuted, 0);
    assert.deepEqual(statuses(finished(h.events)), { t: "cancelled", s: "cancelled" });
  });

  it("a run that is already terminal keeps its status when cancelled afterwards", async () => {
    const controller = new AbortController();
    const def = definition([trigger(), setVar("s", { x: 1 })], [edge("t", "s")]);
    const h = start(def, { signal: controller.signal });
    const result = await h.result;
    controller.abort();
    await flush();
    assert.equal(result.status, "completed");
    assert.equal(h.events.filter((e) => e.type === "execution_finished").length, 1);
  });

  it("no new node starts after cancellation, even when a running node finishes later", async () => {
    let release: (() => void) | undefined;
    const gateway = new RecordingActionGateway(
      () =>
        new Promise((resolve) => {
          release = () => resolve({ status: 200, headers: {}, body: {} });
        }),
    );
    const controller = new AbortController();
    const def = definition(
      [
        trigger(),
        node("w", "action_webhook", { url: "https://example.test/x" }),
        setVar("after", { x: 1 }),
      ],
      [edge("t", "w"), edge("w", "after", "success")],
    );
    const h = start(def, { signal: controller.signal }, { gateway });
    await flush();
    controller.abort();
    release?.();
    await flush();
    const result = await h.result;
    assert.equal(result.status, "cancelled");
    assert.equal(
      finished(h.events).filter((r) => r.nodeId === "after" && r.status === "completed").length,
      0,
    );
  });
});
