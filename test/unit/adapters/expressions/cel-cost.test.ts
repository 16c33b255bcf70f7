import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { CelExpressionCompiler } from "../../../../src/adapters/expressions/cel-expression-compiler.js";
import { ExpressionError } from "../../../../src/domain/expressions/expression-error.js";
import type { ExpressionBindings } from "../../../../src/domain/ports/expression-compiler.js";

/*
 * Functions are charged by the size of what they build, before building it. Each case below
 * evaluated successfully before (its cost was its arguments' size only) and must now stop at
 * the budget with the cost error, naming what would have been built where the charge that
 * crossed the limit was a build.
 */

const compiler = new CelExpressionCompiler();
/** 10,000 units: at 10 characters a unit, strings of up to 100,000 characters. */
const tight = new CelExpressionCompiler({ maxCost: 10_000 });

function overBudget(
  on: CelExpressionCompiler,
  source: string,
  bindings: ExpressionBindings,
  detail?: RegExp,
): void {
  assert.throws(
    () => on.compile(source).evaluate(bindings),
    (e) => {
      assert.ok(ExpressionError.is(e), String(e));
      assert.equal(e.kind, "limit");
      assert.equal(e.reason, "EXECUTION_ERROR");
      assert.match(e.message, /exceeded its evaluation cost limit \(\d+ units\)/);
      if (detail !== undefined) assert.match(e.message, detail);
      return true;
    },
  );
}

const a = (n: number) => "a".repeat(n);

describe("CEL cost: the probe (replace growth)", () => {
  const probe = "size('a'.replace('a', vars.r).replace('a', vars.r))";

  it("fails fast with the cost error before building 4,000,000 or 484,000,000 characters", () => {
    for (const [length, built] of [
      [2_000, "4000000"],
      [22_000, "484000000"],
    ] as const) {
      const started = performance.now();
      overBudget(
        compiler,
        probe,
        { vars: { r: a(length) } },
        new RegExp(`: replace would build a string of ${built} characters$`),
      );
      // A generous sanity bound (it takes milliseconds); before, 2,000 took seconds and
      // 22,000 minutes.
      assert.ok(performance.now() - started < 2_000, "the probe must fail fast");
    }
  });

  it("within budget, replace still grows strings", () => {
    assert.equal(compiler.compile(probe).evaluate({ vars: { r: a(500) } }), 250_000);
    assert.equal(
      compiler.compile("'a-b-c'.replace('-', vars.r, 1)").evaluate({ vars: { r: "+" } }),
      "a+b-c",
    );
  });
});

describe("CEL cost: every function is charged by the size of what it builds", () => {
  it("string concatenation (+)", () => {
    overBudget(
      tight,
      "size(vars.s + vars.s)",
      { vars: { s: a(60_000) } },
      /string concatenation \(\+\) would build a string of 120000 characters/,
    );
  });

  it("bytes concatenation (+), bytes() and string(bytes)", () => {
    overBudget(
      tight,
      "size(bytes(vars.s) + bytes(vars.s))",
      { vars: { s: a(30_000) } },
      /bytes concatenation \(\+\) would build a bytes value of 60000 bytes/,
    );
    overBudget(
      tight,
      "size(bytes(vars.s))",
      { vars: { s: "é".repeat(60_000) } },
      /bytes\(\) would build a bytes value of 120000 bytes/,
    );
    overBudget(
      tight,
      "size(string(bytes(vars.s)))",
      { vars: { s: a(60_000) } },
      /string\(\) would build a string of 60000 characters/,
    );
  });

  it("replace, with and without a count", () => {
    overBudget(
      tight,
      "size(vars.s.replace('a', 'bb'))",
      { vars: { s: a(60_000) } },
      /replace would build a string of 120000 characters/,
    );
    overBudget(
      tight,
      "size(vars.s.replace('', 'xyz', 40000))",
      { vars: { s: "abc" } },
      /replace would build a string of 120003 characters/,
    );
  });

  it("split, whose list is then metered when iterated", () => {
    overBudget(
      tight,
      "vars.s.split('')[0]",
      { vars: { s: a(20_000) } },
      /split would build a list of 20000 elements/,
    );
    // One list of 200, iterated (copied) once per element of vars.l.
    overBudget(tight, "[vars.s.split('')].map(S, vars.l.map(x, S.exists(c, true)))", {
      vars: { s: a(200), l: Array.from({ length: 100 }, (_, i) => i) },
    });
  });

  it("join", () => {
    overBudget(
      tight,
      "size(vars.l.join(''))",
      { vars: { l: Array.from({ length: 100 }, () => a(1_000)) } },
      /join would build a string of 100000 characters/,
    );
  });

  it("lowerAscii, upperAscii, substring, trim and strings.quote", () => {
    const vars = { s: "Ab".repeat(60_000) };
    overBudget(tight, "size(vars.s.lowerAscii())", { vars }, /lowerAscii would build a string/);
    overBudget(tight, "size(vars.s.upperAscii())", { vars }, /upperAscii would build a string/);
    overBudget(
      tight,
      "size(vars.s.substring(1))",
      { vars },
      /substring would build a string of 119999 characters/,
    );
    overBudget(tight, "size(vars.s.trim())", { vars }, /trim would build a string/);
    overBudget(
      tight,
      "size(strings.quote(vars.s))",
      { vars: { s: '"'.repeat(60_000) }, strings: {} },
      /strings\.quote would build a string of 120002 characters/,
    );
  });

  it("format: the text of lists it formats, its format string, %f number formatters", () => {
    overBudget(
      tight,
      "size('%s'.format([vars.l]))",
      { vars: { l: Array.from({ length: 20 }, () => a(10_000)) } },
      /format would build a string of 200040 characters/,
    );
    overBudget(
      tight,
      "size(vars.s.format([]))",
      { vars: { s: a(120_000) } },
      /format would read a format string of 120000 characters/,
    );
    overBudget(
      tight,
      "vars.l.map(x, '%.2f'.format([x])).size()",
      { vars: { l: Array.from({ length: 200 }, (_, i) => i / 3) } },
      /format would build a number formatter \(%f\)/,
    );
  });

  it("equality and `in` compare nested strings and lists at their full size", () => {
    // Two lists of 200 references to one 5,001-character string each: the top-level sizes
    // are 200, the comparison reads a million characters.
    const vars = { s: a(5_000), l: Array.from({ length: 200 }, (_, i) => i) };
    overBudget(
      tight,
      "[vars.s + 'x'].map(A, [vars.s + 'x'].map(B, vars.l.map(i, A) == vars.l.map(i, B)))",
      { vars },
    );
    overBudget(
      tight,
      "[vars.s + 'x'].map(A, [vars.s + 'x'].map(B, vars.l.map(i, A) != vars.l.map(i, B)))",
      { vars },
    );
    // 200 comparisons of two 5,001-character strings differing in their last character.
    overBudget(tight, "[vars.s + 'x'].map(A, [vars.s + 'y'].map(B, A in vars.l.map(i, B)))", {
      vars,
    });
  });

  it("matches: compiling the pattern and running it over the text", () => {
    // Ten counted repetitions expand to 20,000 instructions.
    overBudget(
      tight,
      "''.matches(vars.p)",
      { vars: { p: "(?:[ab]{1,1000})".repeat(10) } },
      /matches would compile a pattern of 160 characters \(\d+ instructions\)/,
    );
    // A DFA that explodes falls back to stepping 206 instructions per character.
    overBudget(
      compiler,
      "vars.t.matches('a.{200}[^ab]')",
      { vars: { t: "ab".repeat(10_000) } },
      /matches would run 206 instructions over 20000 characters/,
    );
    overBudget(
      tight,
      "''.matches(vars.p)",
      { vars: { p: a(3_000) } },
      /matches would compile a pattern of 3000 characters/,
    );
  });

  it("int() and uint() of long strings, timestamp() parsing, time-zone getters", () => {
    const zeros = { vars: { s: `${"0".repeat(30_000)}1` } };
    overBudget(tight, "int(vars.s)", zeros, /int\(\) would parse a string of 30001 characters/);
    overBudget(tight, "uint(vars.s)", zeros, /uint\(\) would parse a string/);
    const l = { vars: { l: Array.from({ length: 500 }, (_, i) => i) } };
    overBudget(
      tight,
      "vars.l.map(x, timestamp('2020-01-01T00:00:00Z')).size()",
      l,
      /timestamp\(\) would parse a string/,
    );
    overBudget(
      tight,
      "vars.l.map(x, timestamp(0).getHours('Europe/Paris')).size()",
      l,
      /getHours would convert a timestamp to the time zone "Europe\/Paris"/,
    );
  });

  it("a literal list iterated once per outer iteration is charged its size each time", () => {
    const literal = `[${Array.from({ length: 300 }, (_, i) => i % 10).join(", ")}]`;
    overBudget(tight, `[${literal}].map(P, vars.l.map(x, P.exists(y, true))).size()`, {
      vars: { l: Array.from({ length: 100 }, (_, i) => i) },
    });
  });

  it("message construction is refused at compile time (it copies lists unmetered)", () => {
    for (const source of [
      "google.protobuf.ListValue{values: vars.l}",
      "google.protobuf.Struct{fields: {'a': 1}}",
      "[google.protobuf.Int64Value{value: 1}]",
    ]) {
      assert.throws(
        () => compiler.compile(source),
        (e) =>
          ExpressionError.is(e) && e.kind === "syntax" && /message construction/.test(e.message),
      );
    }
  });
});

describe("CEL cost: ordinary expressions stay within budget", () => {
  const run = (source: string, bindings: ExpressionBindings = {}) =>
    compiler.compile(source).evaluate(bindings);

  it("string functions give the library's results", () => {
    const trigger = { message: "!Ban   @SomeUser  for spam", user: { name: "Ann" } };
    assert.equal(run("trigger.message.lowerAscii()", { trigger }), "!ban   @someuser  for spam");
    assert.deepEqual(run("trigger.message.split(' ').filter(w, w != '')", { trigger }), [
      "!Ban",
      "@SomeUser",
      "for",
      "spam",
    ]);
    assert.equal(
      run("trigger.message.split(' ').filter(w, w != '').join(',')", { trigger }),
      "!Ban,@SomeUser,for,spam",
    );
    assert.equal(
      run("trigger.message.replace('  ', ' ')", { trigger }),
      "!Ban  @SomeUser for spam",
    );
    assert.equal(
      run("trigger.message.matches('^!(?i:ban|kick)\\\\s+@?(\\\\w+)')", { trigger }),
      true,
    );
    assert.equal(
      run("'%s has %d points (%.1f%%)'.format([trigger.user.name, 3, 12.345])", { trigger }),
      "Ann has 3 points (12.3%)",
    );
    assert.equal(run("'  x '.trim() + '|' + 'abc'.substring(1) + 'xyz'.charAt(2)"), "x|bcz");
    assert.equal(run("size('héllo 😀') + size(bytes('é'))"), 9);
    assert.equal(run("string(bytes('héllo'))"), "héllo");
    assert.equal(run("int('0042') + int(uint('7'))"), 49);
    assert.equal(run("strings.quote('a\"b')", { strings: {} }), '"a\\"b"');
    assert.equal(run("timestamp('2020-01-01T10:00:00Z').getHours('Europe/Paris')"), 11);
  });

  it("equality and `in` keep their semantics", () => {
    const vars = { l: [1, "a", [2, { k: "v" }]], m: { a: [1, 2] } };
    assert.equal(run("vars.l == [1, 'a', [2, {'k': 'v'}]]", { vars }), true);
    assert.equal(run("vars.l != [1, 'a', [2, {'k': 'w'}]]", { vars }), true);
    assert.equal(run("vars.m == {'a': [1.0, 2]} && 'a' in vars.m", { vars }), true);
    assert.equal(run("[2, {'k': 'v'}] in vars.l && !('b' in vars.l)", { vars }), true);
    assert.equal(run("b'ab' == bytes('ab') && 1u == 1 && timestamp(1) == timestamp(1)"), true);
  });

  it("a thousand-element pipeline of list and string functions fits", () => {
    const vars = { l: Array.from({ length: 1_000 }, (_, i) => `user${i}`) };
    assert.equal(
      run("vars.l.map(u, u.upperAscii().replace('USER', 'u-')).filter(u, u.endsWith('7')).size()", {
        vars,
      }),
      100,
    );
    assert.equal(run("size(vars.l.join(', ').split(', '))", { vars }), 1_000);
  });
});
