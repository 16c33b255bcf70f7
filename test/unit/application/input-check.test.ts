import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { InputCheck } from "../../../src/application/input-limits/input-check.js";
import { inputLimits } from "../../../src/application/input-limits/input-limits.js";
import { findJsonProblem, formatPath } from "../../../src/application/input-limits/json-problem.js";
import type { JsonValue } from "../../../src/domain/json.js";

function nested(depth: number): JsonValue {
  let value: JsonValue = 1;
  for (let i = 0; i < depth; i++) value = i % 2 === 0 ? { a: value } : [value];
  return value;
}

describe("findJsonProblem", () => {
  it("counts containers: a scalar is 0 levels, {} is 1", () => {
    assert.equal(findJsonProblem(1, 0), null);
    assert.equal(findJsonProblem({}, 1), null);
    assert.deepEqual(findJsonProblem({ a: [] }, 1), { kind: "too_deep" });
    assert.equal(findJsonProblem(nested(32), 32), null);
    assert.deepEqual(findJsonProblem(nested(33), 32), { kind: "too_deep" });
  });

  it("walks a million levels without recursion", () => {
    assert.deepEqual(findJsonProblem(nested(1_000_000), 32), { kind: "too_deep" });
  });

  it("finds NaN, Infinity and NUL in values and keys, with their path", () => {
    assert.deepEqual(findJsonProblem({ a: [1, { b: Number.NaN }] }, 32), {
      kind: "not_finite",
      path: ["a", 1, "b"],
    });
    assert.deepEqual(findJsonProblem([Number.NEGATIVE_INFINITY], 32), {
      kind: "not_finite",
      path: [0],
    });
    assert.deepEqual(findJsonProblem({ x: "a\u0000" }, 32), { kind: "nul", path: ["x"] });
    assert.deepEqual(findJsonProblem({ x: { "k\u0000": 1 } }, 32), {
      kind: "nul",
      path: ["x", "k\u0000"],
    });
    assert.equal(findJsonProblem({ s: "\\u0000 is only text", n: -0 }, 32), null);
  });

  it("formats paths as fields", () => {
    assert.equal(
      formatPath("variables", ["a", 2, "content-type"]),
      'variables.a[2]["content-type"]',
    );
    assert.equal(formatPath("v", ["x".repeat(100)]), `v["${"x".repeat(64)}…"]`);
  });
});

describe("InputCheck", () => {
  it("collects every violation and throws them together as BAD_REQUEST", () => {
    const check = new InputCheck();
    check.text("x".repeat(201), "metadata.name", inputLimits.text.workflowName);
    check.id("a\u0000", "workflow_id");
    check.int32(inputLimits.int32Max + 1, "version", 1);
    check.int32(0, "page", 1);
    check.finite(Number.POSITIVE_INFINITY, "nodes[0].position.x", "n1");
    check.json({ a: Number.POSITIVE_INFINITY }, "variables");
    check.texts(["ok", "t".repeat(65)], "metadata.tags", 1, inputLimits.text.tag);
    assert.throws(
      () => check.throwIfAny("invalid"),
      (error: unknown) => {
        assert.deepEqual(
          (error as { violations: { field: string }[] }).violations.map((v) => v.field),
          [
            "metadata.name",
            "workflow_id",
            "version",
            "page",
            "nodes[0].position.x",
            "variables.a",
            "metadata.tags",
            "metadata.tags[1]",
          ],
        );
        assert.equal((error as { reason: string }).reason, "BAD_REQUEST");
        return true;
      },
    );
  });

  it("accepts values at the limits", () => {
    const check = new InputCheck();
    check.text("x".repeat(inputLimits.text.search), "search", inputLimits.text.search);
    check.int32(inputLimits.int32Max, "version", 1);
    check.json(nested(inputLimits.jsonDepth), "variables");
    check.throwIfAny("invalid");
  });
});
