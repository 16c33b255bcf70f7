import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { RecordingActionGateway } from "../../../../src/adapters/engine-support/recording-action-gateway.js";
import type { EngineCheckpoint } from "../../../../src/domain/engine/engine-types.js";
import { DomainError } from "../../../../src/domain/errors.js";
import { flush } from "../../../support/engine/manual-clock.js";
import {
  definition,
  edge,
  finished,
  node,
  setVar,
  start,
  trigger,
} from "../../../support/engine/workflow-builder.js";

const def = definition(
  [
    trigger(),
    setVar("a", { x: 1 }),
    node("w", "action_webhook", { url: "https://example.test/x" }),
    setVar("b", { y: "{{ vars.x + 1 }}" }),
    setVar("side", { z: 3 }),
  ],
  [edge("t", "a"), edge("a", "w"), edge("w", "b", "success"), edge("t", "side")],
);

describe("checkpoint and resume", () => {
  it("resumes from a JSON checkpoint without re-running completed nodes; in-flight nodes run again", async () => {
    const hanging = new RecordingActionGateway(() => new Promise(() => {}));
    const controller = new AbortController();
    const first = start(def, { signal: controller.signal }, { gateway: hanging });
    await flush();
    const checkpoint = first.handle.takeCheckpoint();
    assert.ok(checkpoint);
    const persisted = JSON.parse(JSON.stringify(checkpoint)) as EngineCheckpoint;
    assert.deepEqual(
      persisted.settled.map((s) => s.nodeId),
      ["t", "a", "side"],
    );
    assert.deepEqual(persisted.variables, { x: 1, z: 3 });
    const finishedSoFar = finished(first.events);
    assert.equal(
      persisted.sequence,
      Math.max(
        ...first.events.map((e) => (e.type === "execution_finished" ? 0 : e.nodeRun.sequence)),
      ),
    );
    assert.deepEqual(finishedSoFar.map((r) => r.nodeId).sort(), ["a", "side", "t"]);
    controller.abort(); // the process "crashes"; the runner resumes elsewhere

    const gateway = new RecordingActionGateway(() => ({ status: 200, headers: {}, body: {} }));
    const second = start(def, { resume: persisted }, { gateway });
    const result = await second.result;
    assert.equal(result.status, "completed");
    assert.deepEqual(result.finalVariables, { x: 1, z: 3, y: 2 });
    const started = second.events.flatMap((e) =>
      e.type === "node_started" ? [e.nodeRun.nodeId] : [],
    );
    assert.deepEqual(started, ["w", "b"]);
    const sequences = finished(second.events).map((r) => r.sequence);
    assert.ok(sequences.every((s) => s > persisted.sequence));
    assert.equal(gateway.requests.length, 1);
  });

  it("returns null while a loop is iterating and a checkpoint again after it", async () => {
    let release: (() => void) | undefined;
    const gateway = new RecordingActionGateway(
      () =>
        new Promise((resolve) => {
          release = () => resolve({ status: 200, headers: {}, body: {} });
        }),
    );
    const loopDef = definition(
      [
        trigger(),
        node("loop", "loop_foreach", { array_variable: "trigger.items" }),
        node("w", "action_webhook", { url: "https://example.test/x" }),
        node("after", "action_webhook", { url: "https://example.test/y" }),
      ],
      [
        edge("t", "loop"),
        edge("loop", "w", "loop"),
        edge("w", "loop", "success"),
        edge("loop", "after", "done"),
      ],
    );
    const h = start(loopDef, { trigger: { data: { items: [1] } } }, { gateway });
    await flush();
    assert.equal(h.handle.takeCheckpoint(), null);
    release?.();
    await flush();
    const checkpoint = h.handle.takeCheckpoint();
    assert.ok(checkpoint, "after the loop, while `after` is in flight");
    assert.deepEqual(
      checkpoint.settled.map((s) => s.nodeId),
      ["t", "loop"],
    );
    release?.();
    assert.equal((await h.result).status, "completed");
  });

  it("refuses a checkpoint of another execution", () => {
    const bad = {
      format: "waddlebot.engine.checkpoint/1",
      executionId: "other",
      workflowId: "wf-1",
      workflowVersion: 1,
      sequence: 0,
      operations: 0,
      nodesExecuted: 0,
      failedNodes: [],
      elapsedMs: 0,
      variables: {},
      variableStamps: {},
      finalOutput: null,
      finalOutputStamp: null,
      settled: [],
    } satisfies EngineCheckpoint;
    assert.throws(
      () => start(def, { resume: bad }),
      (e) => DomainError.is(e) && e.reason === "BAD_REQUEST",
    );
  });
});
