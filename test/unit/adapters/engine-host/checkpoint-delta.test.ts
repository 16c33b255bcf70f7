import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  applyCheckpointDelta,
  checkpointDelta,
} from "../../../../src/adapters/engine-host/checkpoint-delta.js";
import type {
  CheckpointEntry,
  EngineCheckpoint,
} from "../../../../src/domain/engine/engine-types.js";

const entry = (nodeId: string, output: unknown = nodeId): CheckpointEntry => ({
  nodeId,
  status: "completed",
  port: "output",
  output: output as CheckpointEntry["output"],
});

function checkpoint(settled: CheckpointEntry[]): EngineCheckpoint {
  return {
    format: "waddlebot.engine.checkpoint/1",
    executionId: "ex",
    workflowId: "wf",
    workflowVersion: 1,
    sequence: settled.length,
    operations: settled.length * 2,
    nodesExecuted: settled.length,
    failedNodes: [],
    elapsedMs: 3,
    variables: { n: settled.length },
    variableStamps: {},
    finalOutput: null,
    finalOutputStamp: null,
    settled,
  };
}

describe("checkpoint deltas", () => {
  it("carry only the entries after the base's, and make the whole checkpoint again", () => {
    const base = checkpoint([entry("a"), entry("b")]);
    const next = checkpoint([entry("a"), entry("b"), entry("c", { big: "x" })]);
    const delta = checkpointDelta(next, base);
    assert.equal(delta.settledFrom, 2);
    assert.deepEqual(
      delta.settled.map((e) => e.nodeId),
      ["c"],
    );
    // Through a structured clone, as between threads.
    const received = applyCheckpointDelta(structuredClone(delta), structuredClone(base));
    assert.deepEqual(received, next);
  });

  it("carry every entry without a base, or when the base's entries differ", () => {
    const next = checkpoint([entry("a"), entry("b")]);
    assert.equal(checkpointDelta(next, null).settledFrom, 0);
    const other = checkpoint([entry("a"), { ...entry("x"), status: "skipped" }]);
    const delta = checkpointDelta(next, other);
    assert.equal(delta.settledFrom, 1);
    assert.deepEqual(applyCheckpointDelta(delta, other), next);
  });

  it("refuse a base shorter than the delta assumes", () => {
    const delta = checkpointDelta(checkpoint([entry("a"), entry("b")]), checkpoint([entry("a")]));
    assert.throws(() => applyCheckpointDelta(delta, null), /without a base/);
    assert.throws(() => applyCheckpointDelta({ ...delta, settledFrom: 5 }, checkpoint([])));
  });
});
