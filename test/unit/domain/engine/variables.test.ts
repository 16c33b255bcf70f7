import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { RecordingActionGateway } from "../../../../src/adapters/engine-support/recording-action-gateway.js";
import { ManualClock } from "../../../support/engine/manual-clock.js";
import {
  definition,
  edge,
  execute,
  finished,
  node,
  setVar,
  start,
  trigger,
} from "../../../support/engine/workflow-builder.js";

function race(delayA: number, delayB: number) {
  return definition(
    [
      trigger(),
      node("p", "flow_parallel"),
      node("da", "action_delay", { delay_ms: delayA }),
      node("db", "action_delay", { delay_ms: delayB }),
      setVar("a", { x: "A", log: "{{ vars.log + ['A'] }}" }),
      setVar("b", { x: "B", log: "{{ vars.log + ['B'] }}" }),
    ],
    [
      edge("t", "p"),
      edge("p", "da", "parallel"),
      edge("p", "db", "parallel"),
      edge("da", "a", "success"),
      edge("db", "b", "success"),
    ],
    { log: [] },
  );
}

async function runRace(delayA: number, delayB: number) {
  const clock = new ManualClock();
  const h = start(race(delayA, delayB), {}, { clock });
  await clock.advance(Math.max(delayA, delayB));
  return { result: await h.result, runs: finished(h.events) };
}

describe("variables", () => {
  it("concurrent writes to one variable resolve by workflow order, not by which branch finished first", async () => {
    const aFirst = await runRace(10, 20);
    const bFirst = await runRace(20, 10);
    assert.equal(aFirst.result.finalVariables.x, "B");
    assert.equal(bFirst.result.finalVariables.x, "B");
    const ignored = bFirst.runs
      .find((r) => r.nodeId === "a")
      ?.logs.some((l) => /not applied/.test(l.message));
    assert.equal(ignored, true, "the earlier-ranked write arriving later is logged as not applied");
  });

  it("sequential writes always apply in order", async () => {
    const def = definition(
      [trigger(), setVar("one", { x: 1 }), setVar("two", { x: 2 }), setVar("three", { x: 3 })],
      [edge("t", "one"), edge("one", "two"), edge("two", "three")],
    );
    assert.equal((await execute(def)).result.finalVariables.x, 3);
  });

  it("caller variables live under vars and can never overwrite the trusted context", async () => {
    const gateway = new RecordingActionGateway(() => ({
      status: 200,
      headers: {},
      body: { result: { output: { v: 1 } } },
    }));
    const def = definition(
      [
        trigger(),
        node("m", "action_module", {
          module_name: "greeter",
          input_mapping: { user_id: "uid" },
          output_mapping: { v: "got" },
        }),
        node("x", "data_transform", {
          transformations: { who: "execution.user_id", ent: "execution.entity_id" },
        }),
      ],
      [edge("t", "m"), edge("m", "x", "success")],
    );
    const { result } = await execute(
      def,
      { variables: { user_id: "attacker", entity_id: 999, execution: { user_id: "attacker" } } },
      { gateway },
    );
    assert.equal(result.finalVariables.who, "user-1");
    assert.equal(result.finalVariables.ent, 42);
    assert.equal(result.finalVariables.got, 1);
    const request = gateway.requests[0];
    assert.equal(request?.kind, "module");
    if (request?.kind === "module") {
      assert.equal(request.request.userId, "user-1");
      assert.equal(request.request.entityId, 42);
      assert.equal(request.request.sessionId, "session-1");
      assert.deepEqual(request.request.input, { uid: "attacker" });
    }
  });

  it("global variables are the initial values and caller variables override them", async () => {
    const def = definition(
      [trigger(), setVar("s", { c: "{{ vars.a + vars.b }}" })],
      [edge("t", "s")],
      { a: 1, b: 1 },
    );
    const { result } = await execute(def, { variables: { b: 10 } });
    assert.equal(result.finalVariables.c, 11);
  });
});
