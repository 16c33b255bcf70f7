import type { JsonValue } from "../json.js";
import type {
  CompiledExpression,
  ExpressionBindings,
  ExpressionCompiler,
} from "../ports/expression-compiler.js";
import { ExpressionError } from "./expression-error.js";

/**
 * A config string that may embed `{{ expr }}` CEL expressions. A string that is exactly one
 * `{{ expr }}` keeps the expression's JSON type in value contexts (`value()`); everywhere else
 * the parts are rendered and concatenated (`render()`).
 */
export interface CompiledTemplate {
  readonly source: string;
  /** True when the string has no `{{ }}`; then render() returns the source unchanged. */
  readonly isStatic: boolean;
  readonly expressions: readonly CompiledExpression[];
  render(bindings: ExpressionBindings): string;
  value(bindings: ExpressionBindings): JsonValue;
}

type Part = string | CompiledExpression;

/** Renders a JSON value into template text: strings as-is, null as "", the rest as JSON. */
export function stringifyForTemplate(value: JsonValue): string {
  if (typeof value === "string") return value;
  if (value === null) return "";
  return JSON.stringify(value);
}

/** Splits `source` at `{{ … }}` and compiles each expression. Throws ExpressionError. */
export function compileTemplate(source: string, compiler: ExpressionCompiler): CompiledTemplate {
  const parts: Part[] = [];
  const expressions: CompiledExpression[] = [];
  let cursor = 0;
  while (cursor < source.length) {
    const open = source.indexOf("{{", cursor);
    if (open < 0) {
      parts.push(source.slice(cursor));
      break;
    }
    const close = source.indexOf("}}", open + 2);
    if (close < 0) {
      throw new ExpressionError("syntax", `unclosed "{{" at offset ${open}`, source);
    }
    if (open > cursor) parts.push(source.slice(cursor, open));
    const inner = source.slice(open + 2, close).trim();
    if (inner === "") {
      throw new ExpressionError("syntax", `empty "{{ }}" at offset ${open}`, source);
    }
    const compiled = compiler.compile(inner);
    parts.push(compiled);
    expressions.push(compiled);
    cursor = close + 2;
  }
  return new Template(source, parts, expressions);
}

class Template implements CompiledTemplate {
  readonly isStatic: boolean;
  constructor(
    readonly source: string,
    private readonly parts: readonly Part[],
    readonly expressions: readonly CompiledExpression[],
  ) {
    this.isStatic = expressions.length === 0;
  }

  render(bindings: ExpressionBindings): string {
    if (this.isStatic) return this.source;
    let out = "";
    for (const part of this.parts) {
      out += typeof part === "string" ? part : stringifyForTemplate(part.evaluate(bindings));
    }
    return out;
  }

  value(bindings: ExpressionBindings): JsonValue {
    const only = this.parts.length === 1 ? this.parts[0] : undefined;
    if (only !== undefined && typeof only !== "string") return only.evaluate(bindings);
    return this.render(bindings);
  }
}
