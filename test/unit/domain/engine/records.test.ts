import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { ManualClock } from "../../../support/engine/manual-clock.js";
import {
  definition,
  edge,
  end,
  finished,
  node,
  pass,
  start,
  trigger,
} from "../../../support/engine/workflow-builder.js";

describe("records and events", () => {
  it("emits started before finished per node, sequences from 1 without gaps, one execution_finished last", async () => {
    const def = definition(
      [
        trigger(),
        node("if", "condition_if", { condition: "true" }),
        pass("a"),
        pass("b"),
        end("e"),
      ],
      [
        edge("t", "if"),
        edge("if", "a", "true"),
        edge("if", "b", "false"),
        edge("a", "e"),
        edge("b", "e"),
      ],
    );
    const h = start(def);
    const result = await h.result;
    const events = h.events;
    assert.equal(events.at(-1)?.type, "execution_finished");
    assert.equal(events.filter((e) => e.type === "execution_finished").length, 1);
    const runs = finished(events);
    assert.deepEqual(
      runs.map((r) => r.sequence).sort((x, y) => x - y),
      runs.map((_, i) => i + 1),
    );
    for (const run of runs) {
      const startedAt = events.findIndex(
        (e) => e.type === "node_started" && e.nodeRun.sequence === run.sequence,
      );
      const finishedAt = events.findIndex(
        (e) => e.type === "node_finished" && e.nodeRun.sequence === run.sequence,
      );
      if (run.status !== "skipped") assert.ok(startedAt >= 0 && startedAt < finishedAt, run.nodeId);
    }
    assert.equal(result.counts.skipped, 1);
    assert.equal(result.counts.completed, 4);
  });

  it("records timings from the clock, input, output, port and counters", async () => {
    const clock = new ManualClock();
    const def = definition(
      [trigger(), node("d", "action_delay", { delay_ms: 500 })],
      [edge("t", "d")],
    );
    const h = start(def, { trigger: { data: { k: 1 } } }, { clock });
    await clock.advance(500);
    const result = await h.result;
    const d = finished(h.events).find((r) => r.nodeId === "d");
    assert.equal(d?.durationMs, 500);
    assert.equal(d?.status, "completed");
    assert.deepEqual(d?.input, { k: 1 });
    assert.deepEqual(d?.output, { delayed_ms: 500 });
    assert.equal(d?.outputPort, "success");
    assert.equal(d?.attempt, 1);
    assert.equal(d?.operations, 2);
    assert.equal(result.durationMs, 500);
  });

  it("stores outputs larger than maxRecordBytes truncated, with the flag set", async () => {
    const def = definition(
      [trigger(), node("x", "data_transform", { transformations: { s: "trigger.s" } })],
      [edge("t", "x")],
    );
    const h = start(def, {
      trigger: { data: { s: "y".repeat(500) } },
      limits: { maxRecordBytes: 100 },
    });
    const result = await h.result;
    assert.equal(result.status, "completed");
    const x = finished(h.events).find((r) => r.nodeId === "x");
    assert.equal(x?.outputTruncated, true);
    assert.equal(typeof x?.output, "string");
    assert.ok((x?.output as string).length <= 101);
    assert.equal((result.finalVariables.s as string).length, 500, "only the record is truncated");
  });
});

describe("event listener failures", () => {
  it("a listener that throws fails the run with INTERNAL_ERROR and the result still settles", async () => {
    const def = definition([trigger(), pass("a"), pass("b")], [edge("t", "a"), edge("a", "b")]);
    const h = start(def, {
      onEvent: (event) => {
        if (event.type === "node_finished" && event.nodeRun.nodeId === "a")
          throw new Error("disk full");
      },
    });
    const result = await h.result;
    assert.equal(result.status, "failed");
    assert.equal(result.errorReason, "INTERNAL_ERROR");
    assert.match(result.errorMessage ?? "", /disk full/);
  });
});
