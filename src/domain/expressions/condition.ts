import { isJsonObject, type JsonValue } from "../json.js";
import type {
  CompiledExpression,
  ExpressionBindings,
  ExpressionCompiler,
} from "../ports/expression-compiler.js";
import { ExpressionError } from "./expression-error.js";
import { jsonEqual } from "./json-equal.js";
import { type CompiledTemplate, compileTemplate, stringifyForTemplate } from "./template.js";
import { parseValuePath, resolveValuePath, type ValuePath } from "./value-path.js";

/** The 11 comparison operators of the rule form. */
const COMPARISON_OPERATORS = [
  "equals",
  "not_equals",
  "greater_than",
  "less_than",
  "greater_equal",
  "less_equal",
  "contains",
  "not_contains",
  "matches_regex",
  "in_list",
  "not_in_list",
] as const;
type ComparisonOperator = (typeof COMPARISON_OPERATORS)[number];

/** A compiled condition: rules, and/or/not groups, or CEL, evaluated to a boolean. */
export interface CompiledCondition {
  /** Top-level names the CEL parts read, for validation (rule paths fall back to variables). */
  readonly rootNames: readonly string[];
  evaluate(bindings: ExpressionBindings): boolean;
}

/** Names that resolve as bindings in rule paths; other first segments are variables. */
interface ConditionScope {
  readonly rootNames: ReadonlySet<string>;
}

type Node =
  | { kind: "cel"; expr: CompiledExpression }
  | { kind: "rule"; path: ValuePath; operator: ComparisonOperator; value: RuleValue }
  | { kind: "all" | "any"; items: Node[] }
  | { kind: "not"; item: Node };

type RuleValue = { literal: JsonValue } | { template: CompiledTemplate };

const operatorSet: ReadonlySet<string> = new Set(COMPARISON_OPERATORS);
const regexMatchers = new WeakMap<ExpressionCompiler, CompiledExpression>();

/**
 * Compiles the JSON form of a condition. Throws ExpressionError (kind `syntax`) whose message
 * starts with the offending sub-path, e.g. `[1].operator: unknown operator "like"`.
 */
export function compileCondition(
  raw: JsonValue,
  compiler: ExpressionCompiler,
  scope: ConditionScope,
): CompiledCondition {
  const names = new Set<string>();
  const root = compileNode(raw, "", compiler, names);
  return new Condition(root, compiler, scope, [...names]);
}

function compileNode(
  raw: JsonValue,
  at: string,
  compiler: ExpressionCompiler,
  names: Set<string>,
): Node {
  const fail = (message: string): never => {
    throw new ExpressionError(
      "syntax",
      `${at === "" ? "" : `${at}: `}${message}`,
      JSON.stringify(raw),
    );
  };
  if (typeof raw === "string") {
    const expr = compileAt(raw, at, compiler);
    for (const name of expr.rootNames) names.add(name);
    return { kind: "cel", expr };
  }
  if (Array.isArray(raw)) {
    if (raw.length === 0) fail("an empty list of conditions");
    return {
      kind: "all",
      items: raw.map((item, i) => compileNode(item, `${at}[${i}]`, compiler, names)),
    };
  }
  if (!isJsonObject(raw))
    return fail("a condition must be a rule, a group, a list or a CEL string");
  if (typeof raw.expression === "string") {
    return compileNode(raw.expression, `${at}.expression`, compiler, names);
  }
  const group = groupOf(raw);
  if (group !== undefined) {
    if (group.kind === "not") {
      if (group.items === undefined) return fail('"not" needs one condition');
      return {
        kind: "not",
        item: compileNode(group.items, `${at}.${group.field}`, compiler, names),
      };
    }
    if (!Array.isArray(group.items) || group.items.length === 0) {
      return fail(`"${group.kind === "all" ? "and" : "or"}" needs a non-empty list`);
    }
    return {
      kind: group.kind,
      items: group.items.map((item, i) =>
        compileNode(item, `${at}.${group.field}[${i}]`, compiler, names),
      ),
    };
  }
  const variable = raw.variable;
  if (typeof variable !== "string" || variable.trim() === "") return fail("variable is required");
  const path = parseValuePath(variable);
  if (typeof path === "string") return fail(`variable: ${path}`);
  const operator = raw.operator ?? "equals";
  if (typeof operator !== "string" || !operatorSet.has(operator)) {
    return fail(`operator: unknown operator ${JSON.stringify(operator)}`);
  }
  const rawValue = raw.value ?? null;
  let value: RuleValue = { literal: rawValue };
  if (typeof rawValue === "string") {
    const template = compileAtTemplate(rawValue, `${at}.value`, compiler);
    for (const e of template.expressions) for (const n of e.rootNames) names.add(n);
    if (!template.isStatic) value = { template };
  }
  const op = operator as ComparisonOperator;
  if ("literal" in value) {
    if ((op === "in_list" || op === "not_in_list") && !Array.isArray(value.literal)) {
      fail(`value: ${op} needs a list`);
    }
    if (op === "matches_regex") {
      if (typeof value.literal !== "string") fail("value: matches_regex needs a pattern string");
      checkPattern(value.literal as string, `${at}.value`, compiler);
    }
  }
  return { kind: "rule", path, operator: op, value };
}

function groupOf(raw: {
  [key: string]: JsonValue;
}): { kind: "all" | "any" | "not"; items: JsonValue | undefined; field: string } | undefined {
  if (raw.and !== undefined) return { kind: "all", items: raw.and, field: "and" };
  if (raw.or !== undefined) return { kind: "any", items: raw.or, field: "or" };
  if (raw.not !== undefined) return { kind: "not", items: raw.not, field: "not" };
  if (raw.operator === "and") return { kind: "all", items: raw.conditions, field: "conditions" };
  if (raw.operator === "or") return { kind: "any", items: raw.conditions, field: "conditions" };
  if (raw.operator === "not") return { kind: "not", items: raw.condition, field: "condition" };
  return undefined;
}

function compileAt(source: string, at: string, compiler: ExpressionCompiler): CompiledExpression {
  try {
    return compiler.compile(source);
  } catch (error) {
    throw prefixed(error, at);
  }
}

function compileAtTemplate(source: string, at: string, compiler: ExpressionCompiler) {
  try {
    return compileTemplate(source, compiler);
  } catch (error) {
    throw prefixed(error, at);
  }
}

function prefixed(error: unknown, at: string): unknown {
  if (!ExpressionError.is(error) || at === "") return error;
  return new ExpressionError(error.kind, `${at}: ${error.message}`, error.source, error.reason);
}

function regexMatcher(compiler: ExpressionCompiler): CompiledExpression {
  let matcher = regexMatchers.get(compiler);
  if (matcher === undefined) {
    matcher = compiler.compile("text.matches(pattern)");
    regexMatchers.set(compiler, matcher);
  }
  return matcher;
}

function checkPattern(pattern: string, at: string, compiler: ExpressionCompiler): void {
  try {
    regexMatcher(compiler).evaluate({ text: "", pattern });
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    throw new ExpressionError("syntax", `${at}: invalid regular expression: ${message}`, pattern);
  }
}

class Condition implements CompiledCondition {
  constructor(
    private readonly root: Node,
    private readonly compiler: ExpressionCompiler,
    private readonly scope: ConditionScope,
    readonly rootNames: readonly string[],
  ) {}

  evaluate(bindings: ExpressionBindings): boolean {
    return this.check(this.root, bindings);
  }

  private check(node: Node, bindings: ExpressionBindings): boolean {
    switch (node.kind) {
      case "cel": {
        const result = node.expr.evaluate(bindings);
        if (typeof result !== "boolean") {
          throw new ExpressionError(
            "evaluation",
            `condition "${node.expr.source}" returned ${typeName(result)}, not a bool`,
            node.expr.source,
          );
        }
        return result;
      }
      case "all":
        return node.items.every((item) => this.check(item, bindings));
      case "any":
        return node.items.some((item) => this.check(item, bindings));
      case "not":
        return !this.check(node.item, bindings);
      case "rule": {
        const left = resolveValuePath(node.path, bindings, this.scope.rootNames);
        const right =
          "literal" in node.value ? node.value.literal : node.value.template.value(bindings);
        return this.compare(node.operator, left, right);
      }
    }
  }

  private compare(op: ComparisonOperator, left: JsonValue | undefined, right: JsonValue): boolean {
    switch (op) {
      case "equals":
        return looseEqual(left, right);
      case "not_equals":
        return !looseEqual(left, right);
      case "greater_than":
        return order(left, right, (c) => c > 0);
      case "less_than":
        return order(left, right, (c) => c < 0);
      case "greater_equal":
        return order(left, right, (c) => c >= 0);
      case "less_equal":
        return order(left, right, (c) => c <= 0);
      case "contains":
        return contains(left, right);
      case "not_contains":
        return !contains(left, right);
      case "matches_regex": {
        if (left === undefined || left === null || typeof right !== "string") return false;
        const text = stringifyForTemplate(left);
        return regexMatcher(this.compiler).evaluate({ text, pattern: right }) === true;
      }
      case "in_list":
        return Array.isArray(right) && right.some((item) => looseEqual(left, item));
      case "not_in_list":
        return !(Array.isArray(right) && right.some((item) => looseEqual(left, item)));
    }
  }
}

function numeric(value: JsonValue | undefined): number | undefined {
  if (typeof value === "number") return value;
  if (typeof value === "string" && value.trim() !== "") {
    const n = Number(value);
    return Number.isFinite(n) ? n : undefined;
  }
  return undefined;
}

/** JSON equality, plus a number equals its decimal string ("5" == 5): chat data is text. */
function looseEqual(left: JsonValue | undefined, right: JsonValue): boolean {
  const l = left === undefined ? null : left;
  if (jsonEqual(l, right)) return true;
  if (typeof l === "number" || typeof right === "number") {
    const a = numeric(l);
    const b = numeric(right);
    return a !== undefined && b !== undefined && a === b;
  }
  return false;
}

/** Numbers (or numeric strings) compare numerically, two strings by code units; else false. */
function order(
  left: JsonValue | undefined,
  right: JsonValue,
  test: (comparison: number) => boolean,
): boolean {
  const a = numeric(left);
  const b = numeric(right);
  if (a !== undefined && b !== undefined) return test(a === b ? 0 : a < b ? -1 : 1);
  if (typeof left === "string" && typeof right === "string") {
    return test(left === right ? 0 : left < right ? -1 : 1);
  }
  return false;
}

function contains(haystack: JsonValue | undefined, needle: JsonValue): boolean {
  if (typeof haystack === "string") return haystack.includes(stringifyForTemplate(needle));
  if (Array.isArray(haystack)) return haystack.some((item) => looseEqual(item, needle));
  if (isJsonObject(haystack)) return Object.hasOwn(haystack, stringifyForTemplate(needle));
  return false;
}

function typeName(value: JsonValue): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "a list";
  return typeof value === "object" ? "a map" : `a ${typeof value}`;
}
