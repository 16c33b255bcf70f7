import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { DomainError } from "../../../../src/domain/errors.js";
import {
  definition,
  edge,
  end,
  execute,
  node,
  pass,
  ranOrder,
  setVar,
  start,
  statuses,
  trigger,
} from "../../../support/engine/workflow-builder.js";

describe("graph semantics", () => {
  it("runs a join once after all its live inputs (the original ran it once per path)", async () => {
    const def = definition(
      [trigger(), pass("a"), pass("b"), pass("m"), end("e")],
      [edge("t", "a"), edge("t", "b"), edge("a", "m"), edge("b", "m"), edge("m", "e")],
    );
    const { result, runs } = await execute(def);
    assert.equal(result.status, "completed");
    assert.deepEqual(ranOrder(runs), ["t", "a", "b", "m", "e"]);
    assert.equal(runs.filter((r) => r.nodeId === "m").length, 1);
    assert.equal(result.nodesExecuted, 5);
  });

  it("only edges from the fired port carry on; a node whose inputs are all dead is skipped", async () => {
    const def = definition(
      [
        trigger(),
        node("if", "condition_if", { condition: "trigger.n > 3" }),
        setVar("yes", { branch: "yes" }),
        setVar("no", { branch: "no" }),
        pass("after_no"),
        end("e"),
      ],
      [
        edge("t", "if"),
        edge("if", "yes", "true"),
        edge("if", "no", "false"),
        edge("no", "after_no"),
        edge("yes", "e"),
        edge("after_no", "e"),
      ],
    );
    const { result, runs } = await execute(def, { trigger: { data: { n: 10 } } });
    assert.equal(result.status, "completed");
    assert.deepEqual(statuses(runs), {
      t: "completed",
      if: "completed",
      no: "skipped",
      after_no: "skipped",
      yes: "completed",
      e: "completed",
    });
    assert.equal(result.finalVariables.branch, "yes");
    assert.equal(runs.find((r) => r.nodeId === "if")?.outputPort, "true");
  });

  it("flow_merge with input_ports_required N fires once at the N-th arrival", async () => {
    const def = definition(
      [
        trigger(),
        pass("a"),
        pass("b"),
        pass("c"),
        node("m", "flow_merge", { input_ports_required: 2 }),
        setVar("after", { count: "{{ vars.count + 1.0 }}" }),
      ],
      [
        edge("t", "a"),
        edge("t", "b"),
        edge("t", "c"),
        edge("a", "m"),
        edge("b", "m"),
        edge("c", "m"),
        edge("m", "after"),
      ],
      { count: 0 },
    );
    const { result, runs } = await execute(def);
    assert.equal(result.status, "completed");
    assert.equal(runs.filter((r) => r.nodeId === "m").length, 1);
    assert.equal(result.finalVariables.count, 1);
    const merge = runs.find((r) => r.nodeId === "m");
    assert.deepEqual(merge?.input, { a: {}, b: {} });
  });

  it("flow_merge N is skipped when fewer than N inputs can arrive", async () => {
    const def = definition(
      [
        trigger(),
        node("if", "condition_if", { condition: "false" }),
        pass("a"),
        pass("b"),
        node("m", "flow_merge", { input_ports_required: 2 }),
      ],
      [
        edge("t", "if"),
        edge("if", "a", "true"),
        edge("if", "b", "false"),
        edge("a", "m"),
        edge("b", "m"),
      ],
    );
    const { runs } = await execute(def);
    assert.equal(statuses(runs).m, "skipped");
    assert.match(runs.find((r) => r.nodeId === "m")?.logs[0]?.message ?? "", /only 1 of the 2/);
  });

  it("a join with one dead and one live input runs with the live one", async () => {
    const def = definition(
      [trigger(), node("if", "condition_if", { condition: "true" }), pass("a"), pass("j")],
      [edge("t", "if"), edge("if", "a", "true"), edge("if", "j", "false"), edge("a", "j")],
    );
    const { runs } = await execute(def);
    assert.equal(statuses(runs).j, "completed");
  });

  it("a disabled node is skipped and so is what only it feeds", async () => {
    const def = definition(
      [
        trigger(),
        node("off", "data_variable_set", { variables: { x: 1 } }, { enabled: false }),
        pass("after"),
      ],
      [edge("t", "off"), edge("off", "after")],
    );
    const { result, runs } = await execute(def);
    assert.equal(result.status, "completed");
    assert.deepEqual(statuses(runs), { t: "completed", off: "skipped", after: "skipped" });
    assert.equal(result.finalVariables.x, undefined);
  });

  it("starts at the named trigger; other triggers and their paths are skipped", async () => {
    const def = definition(
      [trigger("t1"), trigger("t2"), setVar("s1", { from: "t1" }), setVar("s2", { from: "t2" })],
      [edge("t1", "s1"), edge("t2", "s2")],
    );
    const { result, runs } = await execute(def, {
      trigger: { triggerNodeId: "t2", data: { x: 1 } },
    });
    assert.equal(result.finalVariables.from, "t2");
    assert.deepEqual(statuses(runs), {
      t1: "skipped",
      s1: "skipped",
      t2: "completed",
      s2: "completed",
    });
    assert.deepEqual(runs.find((r) => r.nodeId === "t2")?.output, { x: 1 });
  });

  it("refuses an ambiguous or unknown trigger with a clear BAD_REQUEST", () => {
    const def = definition([trigger("t1"), trigger("t2")], []);
    assert.throws(
      () => start(def),
      (e) => DomainError.is(e) && e.reason === "BAD_REQUEST" && /2 triggers/.test(e.message),
    );
    assert.throws(
      () => start(def, { trigger: { triggerNodeId: "nope" } }),
      (e) => DomainError.is(e) && /not a trigger node/.test(e.message),
    );
  });

  it("the trigger's output is the trigger data and nodes see it as trigger and nodes.<id>.output", async () => {
    const def = definition(
      [
        trigger(),
        node("x", "data_transform", {
          transformations: {
            a: "trigger.user.name",
            b: "nodes.t.output.user.name",
            c: "execution.user_id",
          },
        }),
      ],
      [edge("t", "x")],
    );
    const { result } = await execute(def, { trigger: { data: { user: { name: "ann" } } } });
    assert.deepEqual(result.finalVariables, { a: "ann", b: "ann", c: "user-1" });
  });

  it("flow_end sets the final output; with several ends the later one in workflow order wins", async () => {
    const def = definition(
      [trigger(), end("e1", "'first'"), end("e2", "'second'")],
      [edge("t", "e1"), edge("t", "e2")],
    );
    const { result } = await execute(def);
    assert.equal(result.finalOutput, "second");
  });

  it("flow_end without an expression passes its input through", async () => {
    const def = definition([trigger(), end("e")], [edge("t", "e")]);
    const { result } = await execute(def, { trigger: { data: { k: "v" } } });
    assert.deepEqual(result.finalOutput, { k: "v" });
  });

  it("condition_switch fires the matching case port or default", async () => {
    const def = definition(
      [
        trigger(),
        node("sw", "condition_switch", {
          variable: "trigger.color",
          cases: { red: "r", blue: "b" },
        }),
        setVar("r", { got: "red" }),
        setVar("b", { got: "blue" }),
        setVar("d", { got: "other" }),
      ],
      [edge("t", "sw"), edge("sw", "r", "r"), edge("sw", "b", "b"), edge("sw", "d", "default")],
    );
    assert.equal(
      (await execute(def, { trigger: { data: { color: "blue" } } })).result.finalVariables.got,
      "blue",
    );
    assert.equal(
      (await execute(def, { trigger: { data: { color: "green" } } })).result.finalVariables.got,
      "other",
    );
  });
});
