import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  type CelFunc,
  type CelValue,
  celEnv,
  celList,
  celMap,
  celUint,
  isCelError,
  isCelList,
} from "@bufbuild/cel";
import { strings } from "@bufbuild/cel/ext";
import fc from "fast-check";
import { CelExpressionCompiler } from "../../../../src/adapters/expressions/cel-expression-compiler.js";
import { CostMeter } from "../../../../src/adapters/expressions/cost-meter.js";
import { formatBound } from "../../../../src/adapters/expressions/format-cost.js";
import {
  boundedResultOverloads,
  chargedOverloads,
} from "../../../../src/adapters/expressions/metered-functions.js";
import { regexProgramSize } from "../../../../src/adapters/expressions/regex-cost.js";
import type { JsonValue } from "../../../../src/domain/json.js";

/*
 * The rewritten string functions must return exactly what @bufbuild/cel 0.6.1 returns (its
 * quirks included); only their cost differs. Compared on generated inputs, through the
 * compiler, against the library's own implementations.
 */

const library = new Map<string, CelFunc>(
  [...celEnv({ funcs: strings }).funcs].map((func) => [func.id, func]),
);

/** The library's result, as JSON, or the message it fails with. */
function libraryCall(id: string, target: CelValue | undefined, args: CelValue[]): unknown {
  const func = library.get(id);
  assert.ok(func !== undefined, id);
  const result = func.call(0, target, args);
  if (isCelError(result)) return { error: result.message };
  if (isCelList(result)) return [...result];
  return result;
}

const compiler = new CelExpressionCompiler({ maxCost: 10_000_000 });

/** Ours, through the compiler, as JSON, or the message it fails with. */
function ours(source: string, vars: JsonValue): unknown {
  try {
    return compiler.compile(source).evaluate({ vars });
  } catch (error) {
    return { error: (error as Error).message.replace(/^expression ".*" failed: /s, "") };
  }
}

/** Short strings over an alphabet with separators, ASCII case, escapes and surrogates. */
const text = fc.string({
  unit: fc.constantFrom(
    "a",
    "b",
    "A",
    "Z",
    "-",
    "--",
    " ",
    "é",
    '"',
    "\\",
    "\n",
    "\0",
    "\ud83d",
    "\ude00",
    "😀",
  ),
  maxLength: 12,
});
const count = fc.option(fc.bigInt({ min: -3n, max: 12n }), { nil: undefined });

describe("metered string functions return the library's results", () => {
  it("replace", () => {
    fc.assert(
      fc.property(text, text, text, count, (s, sub, repl, n) => {
        const source =
          n === undefined
            ? "vars.s.replace(vars.sub, vars.repl)"
            : "vars.s.replace(vars.sub, vars.repl, int(vars.n))";
        const expected = libraryCall(
          n === undefined ? "string.replace(string,string)" : "string.replace(string,string,int)",
          s,
          n === undefined ? [sub, repl] : [sub, repl, n],
        );
        assert.deepEqual(ours(source, { s, sub, repl, n: Number(n ?? 0) }), expected);
      }),
      { numRuns: 400 },
    );
  });

  it("split", () => {
    fc.assert(
      fc.property(text, fc.constantFrom("", "-", "--", "a", "😀", "x"), count, (s, sep, n) => {
        const source =
          n === undefined ? "vars.s.split(vars.sep)" : "vars.s.split(vars.sep, int(vars.n))";
        const expected = libraryCall(
          n === undefined ? "string.split(string)" : "string.split(string,int)",
          s,
          n === undefined ? [sep] : [sep, n],
        );
        assert.deepEqual(ours(source, { s, sep, n: Number(n ?? 0) }), expected);
      }),
      { numRuns: 300 },
    );
    assert.deepEqual(ours("'a,b,c'.split(',', 4294967297)", null), ["a"]);
  });

  it("join, including a list with a non-string element", () => {
    fc.assert(
      fc.property(
        fc.array(text, { maxLength: 6 }),
        fc.option(text, { nil: undefined }),
        (l, sep) => {
          const source = sep === undefined ? "vars.l.join()" : "vars.l.join(vars.sep)";
          const expected = libraryCall(
            sep === undefined ? "list.join()" : "list.join(string)",
            celList(l),
            sep === undefined ? [] : [sep],
          );
          assert.deepEqual(ours(source, { l, sep: sep ?? "" }), expected);
        },
      ),
      { numRuns: 200 },
    );
    const expected = libraryCall("list.join()", celList(["a", 1n]), []) as { error: string };
    assert.deepEqual(ours("['a', 1].join()", null), expected);
  });

  it("lowerAscii, upperAscii, strings.quote, size", () => {
    fc.assert(
      fc.property(text, (s) => {
        assert.equal(ours("vars.s.lowerAscii()", { s }), libraryCall("string.lowerAscii()", s, []));
        assert.equal(ours("vars.s.upperAscii()", { s }), libraryCall("string.upperAscii()", s, []));
        assert.equal(
          compiler.compile("strings.quote(vars.s)").evaluate({ vars: { s }, strings: {} }),
          libraryCall("strings.quote(string)", undefined, [s]),
        );
        const size = Number(libraryCall("size(string)", undefined, [s]));
        assert.equal(ours("size(vars.s)", { s }), size);
        assert.equal(ours("vars.s.size()", { s }), size);
      }),
      { numRuns: 400 },
    );
    // Long enough for more than one chunk.
    const long = "aBcÉ😀".repeat(3_000);
    assert.equal(
      ours("vars.s.upperAscii()", { s: long }),
      libraryCall("string.upperAscii()", long, []),
    );
  });
});

describe("the format bound is an upper bound on format's result", () => {
  const scalar = fc.oneof(
    fc.string({ maxLength: 8 }),
    fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }),
    fc.double(),
    fc.boolean(),
    fc.constant(null),
    fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }).map((v) => celUint(v)),
  );
  const value: fc.Arbitrary<CelValue> = fc.letrec<{ value: CelValue }>((tie) => ({
    value: fc.oneof(
      { depthSize: "small" },
      scalar as fc.Arbitrary<CelValue>,
      fc.array(tie("value"), { maxLength: 4 }).map((l) => celList(l)),
      fc
        .array(fc.tuple(fc.string({ maxLength: 4 }), tie("value")), { maxLength: 4 })
        .map((entries) => celMap(new Map(entries))),
    ),
  })).value;
  const clause = fc.oneof(
    fc.tuple(fc.constant("%s"), value),
    fc.tuple(
      fc.constantFrom("%d", "%o", "%x", "%X", "%b"),
      fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }),
    ),
    fc.tuple(fc.constantFrom("%f", "%.0f", "%.3f", "%e", "%.12e", "%.100f"), fc.double()),
    fc.tuple(fc.constantFrom("%x", "%X"), fc.string({ maxLength: 8 })),
  );

  it("for every clause kind, on generated values", () => {
    let formatted = 0;
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.string({ maxLength: 3 }), clause), { maxLength: 4 }),
        (parts) => {
          const format = parts.map(([literal, [c]]) => literal.replaceAll("%", "%%") + c).join("");
          const args = celList(parts.map(([, [, v]]) => v as CelValue));
          const result = libraryCall("string.format(list)", format, [args]);
          if (typeof result !== "string") return;
          formatted++;
          const bound = formatBound(format, args, new CostMeter(Number.POSITIVE_INFINITY));
          assert.ok(bound.chars >= result.length, `${format}: ${bound.chars} < ${result.length}`);
        },
      ),
      { numRuns: 500 },
    );
    // Most generated formats are valid (the rest: NaN under %d and the like).
    assert.ok(formatted > 250, `only ${formatted} formats were valid`);
  });
});

describe("every library function that builds a string, bytes or list is charged", () => {
  it("is in the charging table or known to build a bounded result", () => {
    const charged = new Set([...chargedOverloads(), ...boundedResultOverloads]);
    const building = [...library.values()].filter((func) =>
      ["string", "bytes", "list", "map", "dyn"].includes(func.result.name),
    );
    assert.ok(building.length > 20);
    for (const func of building) assert.ok(charged.has(func.id), `${func.id} is not charged`);
    for (const id of charged) assert.ok(library.has(id), `${id} is not a library overload`);
  });
});

describe("regexProgramSize", () => {
  it("expands counted repetitions and weighs Unicode classes", () => {
    const size = (p: string) => regexProgramSize(p).instructions;
    assert.ok(size("a{1000}") >= 1000);
    assert.ok(size("(?:[ab]{1,1000}){1}(?:x{1,1000})") >= 4000);
    assert.ok(size("(a|b|c){3,7}") >= 27);
    assert.ok(size("\\pL{1,100}") >= 200);
    assert.equal(regexProgramSize("\\pL[\\p{Greek}x]\\PN").unicodeClasses, 3);
    assert.ok(size("^!(ban|kick)\\s+@?(\\w+)$") < 40);
    // A `{` that opens no counted repetition is a literal.
    assert.ok(size("a{,3}b{x}") < 20);
  });

  it("measures what the parser is quadratic in: literal runs and alternatives", () => {
    // Runs: "x" (a repetition ends it), 100 × "a" then "\." and "b", 10 × "d".
    const literal = regexProgramSize(`x*${"a".repeat(100)}\\.b[c]${"d".repeat(10)}`);
    assert.equal(literal.literalRunsSquared, 1 + 102 ** 2 + 10 ** 2);
    const words = regexProgramSize(
      `(?i)\\b(?:${Array.from({ length: 50 }, () => "word").join("|")})`,
    );
    assert.equal(words.alternativesSquared, 50 ** 2 + 1);
    assert.equal(words.caseFolding, true);
    assert.equal(words.literalRunsSquared, 50 * 4 ** 2);
    assert.equal(regexProgramSize("[a-z]\\d(\\w)(?:x)").classes, 3);
    assert.equal(regexProgramSize("[a-z]\\d(\\w)(?:x)").groups, 2);
  });
});
