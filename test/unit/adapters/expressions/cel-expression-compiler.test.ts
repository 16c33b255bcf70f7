import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { CelExpressionCompiler } from "../../../../src/adapters/expressions/cel-expression-compiler.js";
import { ExpressionError } from "../../../../src/domain/expressions/expression-error.js";
import type { ExpressionBindings } from "../../../../src/domain/ports/expression-compiler.js";

const compiler = new CelExpressionCompiler();
const run = (source: string, bindings: ExpressionBindings = {}) =>
  compiler.compile(source).evaluate(bindings);

function fails(source: string, bindings: ExpressionBindings, kind: string, pattern?: RegExp) {
  assert.throws(
    () => run(source, bindings),
    (e) =>
      ExpressionError.is(e) &&
      e.kind === kind &&
      (pattern === undefined || pattern.test(e.message)),
  );
}

describe("CEL expression compiler", () => {
  it("evaluates over JSON bindings; JSON numbers mix with int literals", () => {
    assert.equal(run("vars.n + 1", { vars: { n: 2 } }), 3);
    assert.equal(run("vars.n / 2", { vars: { n: 3 } }), 1.5);
    assert.equal(run("7 / 2"), 3, "int literals keep CEL integer division");
    assert.deepEqual(run("vars.l.map(x, x * 2)", { vars: { l: [1, 2] } }), [2, 4]);
    assert.deepEqual(run("{'a': [1, true, null, 'x']}"), { a: [1, true, null, "x"] });
    assert.equal(
      run("trigger.user.name.startsWith('a') && size(trigger.user.name) == 3", {
        trigger: { user: { name: "ann" } },
      }),
      true,
    );
    assert.equal(run("'abc'.upperAscii()"), "ABC");
    assert.equal(run("has(vars.x) ? vars.x : 'none'", { vars: {} }), "none");
  });

  it("reads lazy maps (the engine's nodes binding)", () => {
    assert.equal(run("nodes.a.output.v", { nodes: new Map([["a", { output: { v: 5 } }]]) }), 5);
  });

  it("reports syntax errors, length and size limits at compile time", () => {
    assert.throws(
      () => compiler.compile("1 +"),
      (e) => ExpressionError.is(e) && e.kind === "syntax",
    );
    assert.throws(() => compiler.compile("x".repeat(5000)), /limit is 4096/);
    const small = new CelExpressionCompiler({ maxAstNodes: 10 });
    assert.throws(() => small.compile("1 + 2 + 3 + 4 + 5 + 6 + 7"), /syntax nodes/);
  });

  it("lists the root names an expression reads (comprehension variables excluded)", () => {
    assert.deepEqual(
      [...compiler.compile("vars.l.exists(x, x == item) && int(index) > 0").rootNames].sort(),
      ["index", "item", "vars"],
    );
  });

  it("runtime failures are evaluation errors with a clear message", () => {
    fails("vars.a.b", { vars: { a: {} } }, "evaluation", /no such key|not found/);
    fails("unbound + 1", {}, "evaluation", /"unbound" is not defined/);
    fails("1 / 0", {}, "evaluation", /divide by zero/);
    fails("9223372036854775807 + 1", {}, "evaluation");
  });

  it("no path to code: prototype and constructor are not reachable", () => {
    fails("vars.constructor", { vars: {} }, "evaluation");
    fails("vars['__proto__']", { vars: {} }, "evaluation");
    assert.deepEqual(run("{'__proto__': 1}"), JSON.parse('{"__proto__": 1}'));
  });

  it("bounds evaluation cost: nested comprehensions and quadratic equality trip the meter", () => {
    const big = { vars: { l: Array.from({ length: 2000 }, (_, i) => i) } };
    fails("vars.l.all(x, vars.l.all(y, true))", big, "limit", /cost limit/);
    fails("vars.l.map(x, vars.l == vars.l).size()", big, "limit");
    assert.equal(
      run("vars.l.map(x, x * 2).size()", {
        vars: { l: Array.from({ length: 20_000 }, (_, i) => i) },
      }),
      20_000,
    );
  });

  it("bounds comprehensions over literal lists, which read no binding", () => {
    const ten = "[1, 2, 3, 4, 5, 6, 7, 8, 9, 10]";
    // 10^6 innermost iterations: before every iteration was charged, this ran for seconds.
    let nested = "a + b + c + d + e + f > 0";
    for (const name of ["f", "e", "d", "c", "b", "a"]) nested = `${ten}.all(${name}, ${nested})`;
    fails(nested, {}, "limit", /cost limit/);
    fails(
      `${ten}.map(a, ${ten}.map(b, ${ten}.map(c, ${ten}.map(d, ${ten}.map(e, e)))))`,
      {},
      "limit",
    );
    fails(
      `${ten}.exists(a, ${ten}.exists(b, ${ten}.exists(c, ${ten}.exists(d, ${ten}.exists(e, ${ten}.exists(f, f < 0))))))`,
      {},
      "limit",
    );
    // Small comprehensions keep working, macros' results unchanged.
    assert.equal(run(`${ten}.all(a, ${ten}.all(b, a * b > 0))`), true);
    assert.deepEqual(run(`${ten}.filter(a, a % 2 == 0).map(a, a * 10)`), [20, 40, 60, 80, 100]);
    assert.equal(run(`${ten}.exists_one(a, a == 7)`), true);
    assert.equal(run("{'a': 1, 'b': 2}.all(k, k != 'c')"), true);
  });

  it("bounds the result size (PAYLOAD_TOO_LARGE) instead of truncating", () => {
    const small = new CelExpressionCompiler({ maxResultBytes: 100 });
    assert.throws(
      () => small.compile("vars.s + vars.s").evaluate({ vars: { s: "x".repeat(60) } }),
      (e) => ExpressionError.is(e) && e.kind === "limit" && e.reason === "PAYLOAD_TOO_LARGE",
    );
  });

  it("regular expressions are RE2 (linear time)", () => {
    assert.equal(run("'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa!'.matches('^(a+)+$')"), false);
  });

  it("rejects results without a JSON form", () => {
    fails("b'bytes'", {}, "evaluation", /bytes/);
    fails("1.0 / 0.0", {}, "evaluation", /not a JSON number/);
  });
});
