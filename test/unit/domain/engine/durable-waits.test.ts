import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { RecordingActionGateway } from "../../../../src/adapters/engine-support/recording-action-gateway.js";
import type { EngineCheckpoint } from "../../../../src/domain/engine/engine-types.js";
import { ManualClock } from "../../../support/engine/manual-clock.js";
import {
  definition,
  edge,
  finished,
  node,
  setVar,
  start,
  trigger,
} from "../../../support/engine/workflow-builder.js";

const parking = { minWaitMs: 1000 };

const delayed = definition(
  [
    trigger(),
    setVar("a", { x: 1 }),
    node("d", "action_delay", { delay_ms: 5000 }),
    setVar("b", { y: "{{ vars.x + 1 }}" }),
  ],
  [edge("t", "a"), edge("a", "d"), edge("d", "b", "success")],
);

function persisted(checkpoint: EngineCheckpoint | null): EngineCheckpoint {
  assert.ok(checkpoint);
  return JSON.parse(JSON.stringify(checkpoint)) as EngineCheckpoint;
}

describe("durable waits (parking)", () => {
  it("a delay at or over the threshold parks the run: status waiting, wake-up time, the wait in the checkpoint", async () => {
    const clock = new ManualClock();
    const first = start(delayed, { parking }, { clock });
    const result = await first.result;
    assert.equal(result.status, "waiting");
    assert.deepEqual(result.wait, {
      reason: "timer",
      wakeAtMs: clock.now() + 5000,
      nodeIds: ["d"],
    });
    assert.equal(clock.pending, 0, "nothing sleeps in memory");
    const checkpoint = persisted(first.handle.takeCheckpoint());
    assert.deepEqual(
      checkpoint.settled.map((s) => s.nodeId),
      ["t", "a"],
    );
    assert.equal(checkpoint.waits?.length, 1);
    assert.equal(checkpoint.waits?.[0]?.kind, "delay");
    assert.equal(checkpoint.waits?.[0]?.wakeAtMs, clock.now() + 5000);
    assert.deepEqual(
      finished(first.events).map((r) => r.nodeId),
      ["t", "a"],
      "the parked node has no finished record yet",
    );
  });

  it("resumed after the wake-up time, the delay completes at once with one record keeping its first start; earlier nodes do not run again", async () => {
    const clock = new ManualClock();
    const first = start(delayed, { parking }, { clock });
    await first.result;
    const checkpoint = persisted(first.handle.takeCheckpoint());
    const startedAt = checkpoint.waits?.[0]?.startedAtMs;
    await clock.advance(6000);
    const second = start(delayed, { parking, resume: checkpoint }, { clock });
    const result = await second.result;
    assert.equal(result.status, "completed");
    assert.deepEqual(result.finalVariables, { x: 1, y: 2 });
    const runs = finished(second.events);
    assert.deepEqual(
      runs.map((r) => r.nodeId),
      ["d", "b"],
    );
    const delay = runs[0];
    assert.equal(delay?.startedAt?.getTime(), startedAt);
    assert.deepEqual(delay?.output, { delayed_ms: 5000 });
    assert.ok(delay?.logs.some((l) => l.message.startsWith("resumed: the wait until")));
    assert.equal(result.nodesExecuted, 4, "the delay counts once");
  });

  it("resumed before its time, a far wait parks again with the same deadline; a near one sleeps the rest in memory", async () => {
    const clock = new ManualClock();
    const first = start(delayed, { parking }, { clock });
    await first.result;
    const checkpoint = persisted(first.handle.takeCheckpoint());
    const wakeAt = checkpoint.waits?.[0]?.wakeAtMs;
    await clock.advance(1000);
    const early = start(delayed, { parking, resume: checkpoint }, { clock });
    const parkedAgain = await early.result;
    assert.equal(parkedAgain.status, "waiting");
    assert.equal(parkedAgain.wait?.wakeAtMs, wakeAt);
    const again = persisted(early.handle.takeCheckpoint());
    await clock.advance(3500);
    const near = start(delayed, { parking, resume: again }, { clock });
    let ended = false;
    void near.result.then(() => {
      ended = true;
    });
    await clock.advance(400);
    assert.equal(ended, false, "the last 500 ms are slept in memory");
    await clock.advance(100);
    assert.equal((await near.result).status, "completed");
  });

  it("the run waits only when nothing else can move: a parallel branch finishes first", async () => {
    const def = definition(
      [
        trigger(),
        node("d", "action_delay", { delay_ms: 60_000 }),
        node("w", "action_webhook", { url: "https://example.test/x" }),
        setVar("after", { done: true }),
      ],
      [edge("t", "d"), edge("t", "w"), edge("w", "after", "success")],
    );
    const gateway = new RecordingActionGateway(() => ({ status: 200, headers: {}, body: {} }));
    const run = start(def, { parking }, { gateway });
    const result = await run.result;
    assert.equal(result.status, "waiting");
    assert.deepEqual(
      finished(run.events)
        .map((r) => r.nodeId)
        .sort(),
      ["after", "t", "w"],
    );
  });

  it("below the threshold, without parking, or in a dry-run, a delay waits in memory as before", async () => {
    const clock = new ManualClock();
    const short = definition(
      [trigger(), node("d", "action_delay", { delay_ms: 999 })],
      [edge("t", "d")],
    );
    const a = start(short, { parking }, { clock });
    await clock.advance(999);
    assert.equal((await a.result).status, "completed");
    const b = start(delayed, {}, { clock });
    await clock.advance(5000);
    assert.equal((await b.result).status, "completed");
    const c = start(delayed, { parking, mode: "dry_run" }, { clock });
    assert.equal((await c.result).status, "completed");
  });

  it("a retry backoff over the threshold parks; the resumed run makes the next attempt", async () => {
    const def = definition(
      [
        trigger(),
        node("w", "action_webhook", {
          url: "https://example.test/x",
          retry: { max_attempts: 2, initial_delay_ms: 10_000 },
        }),
      ],
      [edge("t", "w")],
    );
    const clock = new ManualClock();
    const failing = new RecordingActionGateway(() => ({ status: 500, headers: {}, body: {} }));
    const first = start(def, { parking }, { clock, gateway: failing });
    const result = await first.result;
    assert.equal(result.status, "waiting");
    assert.equal(failing.requests.length, 1);
    const checkpoint = persisted(first.handle.takeCheckpoint());
    assert.equal(checkpoint.waits?.[0]?.kind, "retry");
    assert.equal(checkpoint.waits?.[0]?.attempt, 2);
    await clock.advance(10_000);
    const ok = new RecordingActionGateway(() => ({ status: 200, headers: {}, body: {} }));
    const second = start(def, { parking, resume: checkpoint }, { clock, gateway: ok });
    assert.equal((await second.result).status, "completed");
    assert.equal(ok.requests.length, 1);
    const record = finished(second.events).find((r) => r.nodeId === "w");
    assert.equal(record?.attempt, 2);
  });

  it("inside a loop body a long delay does not park (no checkpoint while a loop iterates)", async () => {
    const def = definition(
      [
        trigger(),
        node("loop", "loop_foreach", { array_variable: "vars.items" }),
        node("d", "action_delay", { delay_ms: 5000 }),
      ],
      [edge("t", "loop"), edge("loop", "d", "loop"), edge("d", "loop", "success")],
    );
    const clock = new ManualClock();
    const run = start(def, { parking, variables: { items: [1] } }, { clock });
    await clock.advance(5000);
    assert.equal((await run.result).status, "completed");
  });
});
