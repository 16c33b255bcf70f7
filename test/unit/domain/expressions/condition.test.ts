import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { compileCondition } from "../../../../src/domain/expressions/condition.js";
import { ExpressionError } from "../../../../src/domain/expressions/expression-error.js";
import type { JsonValue } from "../../../../src/domain/json.js";
import { compiler } from "../../../support/engine/workflow-builder.js";

const scope = { rootNames: new Set(["vars", "trigger", "nodes", "execution", "item", "index"]) };
const bindings = {
  vars: { n: 5, s: "hello world", list: [1, "two", { k: 3 }], obj: { key: 1 }, num_text: "5" },
  trigger: { user: { name: "Ann", roles: ["mod"] } },
};

function check(rule: JsonValue): boolean {
  return compileCondition(rule, compiler, scope).evaluate(bindings);
}

describe("conditions: the 11 operators (none is silently true)", () => {
  const cases: [string, JsonValue, boolean][] = [
    ["equals", 5, true],
    ["equals", 6, false],
    ["not_equals", 6, true],
    ["not_equals", 5, false],
    ["greater_than", 4, true],
    ["greater_than", 5, false],
    ["less_than", 6, true],
    ["less_than", 5, false],
    ["greater_equal", 5, true],
    ["greater_equal", 6, false],
    ["less_equal", 5, true],
    ["less_equal", 4, false],
  ];
  for (const [operator, value, expected] of cases) {
    it(`n ${operator} ${value} is ${expected}`, () => {
      assert.equal(check({ variable: "n", operator, value }), expected);
    });
  }

  it("contains / not_contains on strings, lists and maps", () => {
    assert.equal(check({ variable: "s", operator: "contains", value: "world" }), true);
    assert.equal(check({ variable: "s", operator: "contains", value: "moon" }), false);
    assert.equal(check({ variable: "s", operator: "not_contains", value: "moon" }), true);
    assert.equal(check({ variable: "s", operator: "not_contains", value: "world" }), false);
    assert.equal(check({ variable: "list", operator: "contains", value: { k: 3 } }), true);
    assert.equal(check({ variable: "list", operator: "contains", value: 2 }), false);
    assert.equal(check({ variable: "obj", operator: "contains", value: "key" }), true);
  });

  it("matches_regex uses RE2 and rejects invalid patterns at compile time", () => {
    assert.equal(
      check({ variable: "trigger.user.name", operator: "matches_regex", value: "^A.n$" }),
      true,
    );
    assert.equal(
      check({ variable: "trigger.user.name", operator: "matches_regex", value: "^B" }),
      false,
    );
    assert.throws(
      () => check({ variable: "s", operator: "matches_regex", value: "(" }),
      ExpressionError.is,
    );
  });

  it("in_list / not_in_list", () => {
    assert.equal(check({ variable: "n", operator: "in_list", value: [1, 5] }), true);
    assert.equal(check({ variable: "n", operator: "in_list", value: [1, 2] }), false);
    assert.equal(check({ variable: "n", operator: "not_in_list", value: [1, 2] }), true);
    assert.equal(check({ variable: "n", operator: "not_in_list", value: [5] }), false);
    assert.throws(() => check({ variable: "n", operator: "in_list", value: 5 }), /needs a list/);
  });

  it("numbers equal their decimal strings; mismatched types compare false, never true", () => {
    assert.equal(check({ variable: "num_text", operator: "equals", value: 5 }), true);
    assert.equal(check({ variable: "num_text", operator: "greater_than", value: 4 }), true);
    assert.equal(check({ variable: "obj", operator: "greater_than", value: 4 }), false);
    assert.equal(check({ variable: "missing", operator: "less_than", value: 4 }), false);
    assert.equal(check({ variable: "missing", operator: "equals", value: null }), true);
  });

  it("and / or / not groups in both spellings, lists mean all, CEL strings", () => {
    assert.equal(
      check({
        and: [
          { variable: "n", value: 5 },
          { variable: "s", operator: "contains", value: "hello" },
        ],
      }),
      true,
    );
    assert.equal(
      check({
        operator: "or",
        conditions: [
          { variable: "n", value: 1 },
          { variable: "n", value: 5 },
        ],
      }),
      true,
    );
    assert.equal(check({ operator: "not", condition: { variable: "n", value: 5 } }), false);
    assert.equal(check([{ variable: "n", value: 5 }, "vars.n > 4"]), true);
    assert.equal(check({ expression: "'mod' in trigger.user.roles" }), true);
  });

  it("rejects unknown operators and empty groups with the path of the problem", () => {
    assert.throws(
      () => check({ variable: "n", operator: "like", value: 1 }),
      /unknown operator "like"/,
    );
    assert.throws(() => check({ or: [] }), /non-empty/);
    assert.throws(() => check([{ variable: "n" }, { operator: "eq" }]), /\[1\]/);
  });

  it("a CEL condition that is not a bool is an evaluation error", () => {
    assert.throws(
      () => check("vars.n"),
      (e) => ExpressionError.is(e) && e.kind === "evaluation",
    );
  });

  it("template values in rules are evaluated", () => {
    assert.equal(
      check({ variable: "n", operator: "equals", value: "{{ vars.list[0] + 4 }}" }),
      true,
    );
  });
});
