import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { CompiledWorkflows } from "../../../src/application/executions/compiled-workflows.js";
import { DomainError } from "../../../src/domain/errors.js";
import {
  compiler,
  definition,
  edge,
  end,
  node,
  pass,
  trigger,
} from "../../support/engine/workflow-builder.js";

const small = () => definition([trigger(), end("e")], [edge("t", "e")]);
const longer = () => definition([trigger(), pass("p"), end("e")], [edge("t", "p"), edge("p", "e")]);

describe("CompiledWorkflows (the compiled-version cache)", () => {
  it("compiles a version once and hands every caller the same compiled workflow", () => {
    const cache = new CompiledWorkflows(compiler, 10);
    assert.equal(cache.get("w", 1), undefined);
    const first = cache.compile("w", 1, small());
    assert.equal(cache.compile("w", 1, small()), first);
    assert.equal(cache.get("w", 1), first);
    assert.equal(cache.size, 1);
  });

  it("keys by workflow and version: each version is its own entry", () => {
    const cache = new CompiledWorkflows(compiler, 10);
    const v1 = cache.compile("w", 1, small());
    const v2 = cache.compile("w", 2, longer());
    const other = cache.compile("x", 1, small());
    assert.notEqual(v1, v2);
    assert.notEqual(v1, other);
    assert.equal(v1.nodes.length, 2);
    assert.equal(v2.nodes.length, 3);
    assert.equal(cache.get("w", 1), v1);
    assert.equal(cache.get("w", 2), v2);
    assert.equal(cache.size, 3);
  });

  it("past its capacity evicts the least recently used version, not the oldest", () => {
    const cache = new CompiledWorkflows(compiler, 2);
    const a = cache.compile("a", 1, small());
    cache.compile("b", 1, small());
    assert.equal(cache.get("a", 1), a, "a is now more recent than b");
    const c = cache.compile("c", 1, small());
    assert.equal(cache.size, 2);
    assert.equal(cache.get("b", 1), undefined, "b was the least recently used");
    assert.equal(cache.get("a", 1), a);
    assert.equal(cache.get("c", 1), c);
  });

  it("a hit through compile() counts as a use too", () => {
    const cache = new CompiledWorkflows(compiler, 2);
    const a = cache.compile("a", 1, small());
    const b = cache.compile("b", 1, small());
    assert.equal(cache.compile("a", 1, small()), a);
    cache.compile("c", 1, small());
    assert.equal(cache.get("b", 1), undefined);
    assert.equal(cache.get("a", 1), a);
    // An evicted version is compiled again on its next use.
    const again = cache.compile("b", 1, small());
    assert.notEqual(again, b);
    assert.equal(cache.size, 2);
    assert.equal(cache.get("c", 1), undefined, "c was least recent when b came back");
  });

  it("caches nothing for a definition that cannot run", () => {
    const cache = new CompiledWorkflows(compiler, 2);
    const broken = definition([trigger(), node("x", "no_such_type")], [edge("t", "x")]);
    assert.throws(
      () => cache.compile("w", 1, broken),
      (error) => DomainError.is(error) && error.reason === "BAD_REQUEST",
    );
    assert.equal(cache.size, 0);
    assert.equal(cache.get("w", 1), undefined);
  });

  it("refuses a capacity that is not a positive integer", () => {
    for (const capacity of [0, -1, 1.5, Number.NaN]) {
      assert.throws(() => new CompiledWorkflows(compiler, capacity), RangeError);
    }
  });
});
