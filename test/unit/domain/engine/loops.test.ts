import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  definition,
  edge,
  execute,
  node,
  pass,
  setVar,
  statuses,
  trigger,
} from "../../../support/engine/workflow-builder.js";

const foreach = (id: string, path: string, extra = {}) =>
  node(id, "loop_foreach", { array_variable: path, ...extra });
const transform = (id: string, transformations: Record<string, string>) =>
  node(id, "data_transform", { transformations });

describe("loops", () => {
  it("foreach runs the body once per item, then continues from done exactly once", async () => {
    const def = definition(
      [
        trigger(),
        foreach("loop", "trigger.items"),
        transform("add", { total: "vars.total + item" }),
        setVar("after", { finished: true, runs: "{{ vars.total }}" }),
      ],
      [
        edge("t", "loop"),
        edge("loop", "add", "loop"),
        edge("add", "loop"),
        edge("loop", "after", "done"),
      ],
      { total: 0 },
    );
    const { result, runs } = await execute(def, { trigger: { data: { items: [1, 2, 3, 4] } } });
    assert.equal(result.status, "completed");
    assert.equal(result.finalVariables.total, 10);
    assert.equal(runs.filter((r) => r.nodeId === "after").length, 1);
    assert.deepEqual(
      runs.filter((r) => r.nodeId === "add").map((r) => r.iterationPath),
      [[0], [1], [2], [3]],
    );
    const loop = runs.find((r) => r.nodeId === "loop");
    assert.equal(loop?.iterations, 4);
    assert.deepEqual(loop?.output, { iterations: 4, broken: false });
    assert.equal(loop?.outputPort, "done");
  });

  it("item and index use the configured names; the body sees its own iteration's node outputs", async () => {
    const def = definition(
      [
        trigger(),
        foreach("loop", "names", { item_variable: "name", index_variable: "i" }),
        transform("fmt", { line: "string(i) + ':' + name" }),
        transform("collect", { lines: "vars.lines + [nodes.fmt.output.line]" }),
      ],
      [
        edge("t", "loop"),
        edge("loop", "fmt", "loop"),
        edge("fmt", "collect"),
        edge("collect", "loop"),
      ],
      { names: ["ann", "bob"], lines: [] },
    );
    const { result } = await execute(def);
    assert.equal(result.status, "completed", result.errorMessage ?? "");
    assert.deepEqual(result.finalVariables.lines, ["0:ann", "1:bob"]);
  });

  it("an empty list runs no body and fires done", async () => {
    const def = definition(
      [trigger(), foreach("loop", "trigger.items"), pass("body"), setVar("after", { ok: true })],
      [
        edge("t", "loop"),
        edge("loop", "body", "loop"),
        edge("body", "loop"),
        edge("loop", "after", "done"),
      ],
    );
    const { result, runs } = await execute(def, { trigger: { data: { items: [] } } });
    assert.equal(result.finalVariables.ok, true);
    assert.equal(runs.filter((r) => r.nodeId === "body").length, 0);
  });

  it("a value that is not a list is a node error, routable to the error port", async () => {
    const def = definition(
      [trigger(), foreach("loop", "trigger.items"), pass("body"), setVar("handled", { ok: true })],
      [
        edge("t", "loop"),
        edge("loop", "body", "loop"),
        edge("body", "loop"),
        edge("loop", "handled", "error"),
      ],
    );
    const { result } = await execute(def, { trigger: { data: { items: "nope" } } });
    assert.equal(result.status, "completed");
    assert.equal(result.finalVariables.ok, true);
    const unhandled = definition(
      [trigger(), foreach("loop", "trigger.items"), pass("body")],
      [edge("t", "loop"), edge("loop", "body", "loop"), edge("body", "loop")],
    );
    const failed = await execute(unhandled, { trigger: { data: { items: 5 } } });
    assert.equal(failed.result.status, "failed");
    assert.match(failed.result.errorMessage ?? "", /not a list/);
  });

  it("loop_break ends the innermost loop: nothing after it in the body runs, done fires", async () => {
    const def = definition(
      [
        trigger(),
        foreach("loop", "trigger.items"),
        transform("seen", { seen: "vars.seen + [item]" }),
        node("brk", "loop_break", { break_condition: "item == 3" }),
        transform("after_break", { after: "vars.after + [item]" }),
        setVar("done", { finished: true }),
      ],
      [
        edge("t", "loop"),
        edge("loop", "seen", "loop"),
        edge("seen", "brk"),
        edge("brk", "after_break", "continue"),
        edge("after_break", "loop"),
        edge("loop", "done", "done"),
      ],
      { seen: [], after: [] },
    );
    const { result, runs } = await execute(def, { trigger: { data: { items: [1, 2, 3, 4, 5] } } });
    assert.equal(result.status, "completed");
    assert.deepEqual(result.finalVariables.seen, [1, 2, 3]);
    assert.deepEqual(result.finalVariables.after, [1, 2]);
    assert.equal(result.finalVariables.finished, true);
    const loop = runs.find((r) => r.nodeId === "loop");
    assert.deepEqual(loop?.output, { iterations: 3, broken: true });
  });

  it("loop_while re-evaluates its condition; the body changes it through variables", async () => {
    const def = definition(
      [
        trigger(),
        node("w", "loop_while", { condition: { variable: "n", operator: "less_than", value: 5 } }),
        transform("inc", { n: "vars.n + 1" }),
        setVar("after", { final: "{{ vars.n }}" }),
      ],
      [edge("t", "w"), edge("w", "inc", "loop"), edge("inc", "w"), edge("w", "after", "done")],
      { n: 0 },
    );
    const { result, runs } = await execute(def);
    assert.equal(result.status, "completed");
    assert.equal(result.finalVariables.final, 5);
    assert.equal(runs.find((r) => r.nodeId === "w")?.iterations, 5);
  });

  it("nested loops: outer names stay visible, iteration paths are [outer, inner], break ends only the inner", async () => {
    const def = definition(
      [
        trigger(),
        foreach("outer", "trigger.rows", { item_variable: "row", index_variable: "r" }),
        foreach("inner", "row", { item_variable: "cell", index_variable: "c" }),
        transform("acc", { cells: "vars.cells + [string(r) + string(c) + cell]" }),
        node("brk", "loop_break", { break_condition: "cell == 'stop'" }),
      ],
      [
        edge("t", "outer"),
        edge("outer", "inner", "loop"),
        edge("inner", "acc", "loop"),
        edge("acc", "brk"),
        edge("brk", "inner", "continue"),
        edge("inner", "outer", "done"),
      ],
      { cells: [] },
    );
    const { result, runs } = await execute(def, {
      trigger: { data: { rows: [["a", "stop", "x"], ["b"]] } },
    });
    assert.equal(result.status, "completed", result.errorMessage ?? "");
    assert.deepEqual(result.finalVariables.cells, ["00a", "01stop", "10b"]);
    assert.deepEqual(
      runs.filter((r) => r.nodeId === "acc").map((r) => r.iterationPath),
      [
        [0, 0],
        [0, 1],
        [1, 0],
      ],
    );
    assert.equal(statuses(runs).outer, "completed");
  });
});
