/**
 * Expression cost benchmark: how long expressions that build large values, or do costly work,
 * take to be refused by the cost meter (or to finish within budget), with the default limits.
 * Bounded: a fixed number of samples per case. Run: node --import tsx bench/expressions/run.ts
 */

import { CelExpressionCompiler } from "../../src/adapters/expressions/cel-expression-compiler.js";
import { ExpressionError } from "../../src/domain/expressions/expression-error.js";
import type { ExpressionBindings } from "../../src/domain/ports/expression-compiler.js";

const compiler = new CelExpressionCompiler();
const SAMPLES = 5;
const a = (n: number) => "a".repeat(n);
const list = (n: number) => Array.from({ length: n }, (_, i) => i);
let seed = 1;
const random = () => {
  seed = (seed * 1103515245 + 12345) & 0x7fffffff;
  return seed / 0x7fffffff;
};
const ab = Array.from({ length: 20_000 }, () => (random() < 0.5 ? "a" : "b")).join("");

const cases: [string, string, ExpressionBindings][] = [
  [
    "probe, 2,000 characters",
    "size('a'.replace('a', vars.r).replace('a', vars.r))",
    { vars: { r: a(2_000) } },
  ],
  [
    "probe, 22,000 characters",
    "size('a'.replace('a', vars.r).replace('a', vars.r))",
    { vars: { r: a(22_000) } },
  ],
  [
    "replace within budget (250,000 characters)",
    "size('a'.replace('a', vars.r).replace('a', vars.r))",
    { vars: { r: a(500) } },
  ],
  ["replace removing 1,000,000 matches", "size(vars.s.replace('a', ''))", { vars: { s: a(1e6) } }],
  ["split into 1,000,000 pieces", "size(vars.s.split(''))", { vars: { s: a(1e6) } }],
  [
    "lowerAscii of 3,000,000 characters",
    "size(vars.s.lowerAscii())",
    { vars: { s: "A".repeat(3e6) } },
  ],
  ["format a list of 100,000", "size('%s'.format([vars.l]))", { vars: { l: list(100_000) } }],
  [
    "%f format per element",
    "vars.l.map(x, '%.2f'.format([x])).size()",
    { vars: { l: list(100_000) } },
  ],
  [
    "time-zone getter per element",
    "vars.l.map(x, timestamp(0).getHours('Europe/Paris')).size()",
    { vars: { l: list(100_000) } },
  ],
  ["matches, exploding DFA", "vars.t.matches('a[ab]{20}[^ab]')", { vars: { t: ab } }],
  [
    "matches, 20,000-instruction pattern",
    "''.matches(vars.p)",
    { vars: { p: "(?:[ab]{1,1000})".repeat(10) } },
  ],
  [
    "nested strings compared by ==",
    "[vars.s + 'x'].map(A, [vars.s + 'x'].map(B, vars.l.map(i, A) == vars.l.map(i, B)))",
    { vars: { s: a(100_000), l: list(10_000) } },
  ],
  ["map over 100,000 (baseline)", "vars.l.map(x, x).size()", { vars: { l: list(100_000) } }],
];

function outcome(source: string, bindings: ExpressionBindings): string {
  try {
    return `ok ${JSON.stringify(compiler.compile(source).evaluate(bindings)).slice(0, 20)}`;
  } catch (error) {
    if (ExpressionError.is(error) && error.kind === "limit") return "cost limit";
    throw error;
  }
}

console.log("| case | outcome | median ms | max ms |");
console.log("|---|---|---:|---:|");
for (const [name, source, bindings] of cases) {
  const times: number[] = [];
  let result = "";
  for (let i = 0; i < SAMPLES; i++) {
    const started = performance.now();
    result = outcome(source, bindings);
    times.push(performance.now() - started);
  }
  times.sort((x, y) => x - y);
  const median = times[Math.floor(times.length / 2)] as number;
  const max = times[times.length - 1] as number;
  console.log(`| ${name} | ${result} | ${median.toFixed(1)} | ${max.toFixed(1)} |`);
}
