import { type CompiledCondition, compileCondition } from "../expressions/condition.js";
import { ExpressionError } from "../expressions/expression-error.js";
import { type CompiledTemplate, compileTemplate } from "../expressions/template.js";
import { parseValuePath, type ValuePath } from "../expressions/value-path.js";
import { isJsonObject, type JsonObject, type JsonValue } from "../json.js";
import type { CompiledExpression, ExpressionCompiler } from "../ports/expression-compiler.js";
import type { IssueCollector } from "./validation-report.js";

const identifier = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Names an expression in a node may use: the fixed ones plus enclosing loops' item/index names. */
export interface NameScope {
  readonly names: ReadonlySet<string>;
  /** Explains where a missing name would be defined, for error messages. */
  describe(): string;
}

/**
 * Reads the typed fields of one node's `config`, recording every problem (with the field path)
 * instead of stopping at the first, and compiling templates, expressions and conditions.
 */
export class ConfigReader {
  private readonly seen = new Set<string>();

  constructor(
    readonly nodeId: string,
    readonly raw: JsonObject,
    readonly compiler: ExpressionCompiler,
    readonly scope: NameScope,
    private readonly issues: IssueCollector,
  ) {}

  error(field: string, message: string, code = "INVALID_CONFIG"): void {
    this.issues.error(code, `${field}: ${message}`, {
      nodeId: this.nodeId,
      field: `config.${field}`,
    });
  }

  warning(field: string, message: string, code = "CONFIG_WARNING"): void {
    this.issues.warning(code, `${field}: ${message}`, {
      nodeId: this.nodeId,
      field: `config.${field}`,
    });
  }

  has(field: string): boolean {
    this.seen.add(field);
    return this.raw[field] !== undefined && this.raw[field] !== null;
  }

  value(field: string): JsonValue | undefined {
    this.seen.add(field);
    return this.raw[field];
  }

  string(field: string, fallback: string, options: { required?: boolean } = {}): string {
    const value = this.value(field);
    if (value === undefined || value === null) {
      if (options.required && fallback === "") this.error(field, "is required");
      return fallback;
    }
    if (typeof value !== "string") {
      this.error(field, "must be a string");
      return fallback;
    }
    if (options.required && value.trim() === "") this.error(field, "must not be empty");
    return value;
  }

  number(
    field: string,
    fallback: number,
    options: { min?: number; max?: number; integer?: boolean; exclusiveMin?: boolean } = {},
  ): number {
    const value = this.value(field);
    if (value === undefined || value === null) return fallback;
    if (typeof value !== "number" || !Number.isFinite(value)) {
      this.error(field, "must be a number");
      return fallback;
    }
    if (options.integer && !Number.isInteger(value)) {
      this.error(field, "must be a whole number");
      return fallback;
    }
    if (options.min !== undefined) {
      const below = options.exclusiveMin ? value <= options.min : value < options.min;
      if (below) {
        this.error(
          field,
          `must be ${options.exclusiveMin ? "greater than" : "at least"} ${options.min}`,
        );
        return fallback;
      }
    }
    if (options.max !== undefined && value > options.max) {
      this.error(field, `must be at most ${options.max}`);
      return fallback;
    }
    return value;
  }

  boolean(field: string, fallback: boolean): boolean {
    const value = this.value(field);
    if (value === undefined || value === null) return fallback;
    if (typeof value !== "boolean") {
      this.error(field, "must be true or false");
      return fallback;
    }
    return value;
  }

  oneOf<T extends string>(field: string, allowed: readonly T[], fallback: T): T {
    const value = this.string(field, fallback);
    if (!(allowed as readonly string[]).includes(value)) {
      this.error(field, `must be one of ${allowed.join(", ")} (got ${JSON.stringify(value)})`);
      return fallback;
    }
    return value as T;
  }

  stringList(field: string, options: { nonEmpty?: boolean } = {}): string[] {
    const value = this.value(field);
    if (value === undefined || value === null) {
      if (options.nonEmpty) this.error(field, "needs at least one entry");
      return [];
    }
    if (!Array.isArray(value) || value.some((item) => typeof item !== "string")) {
      this.error(field, "must be a list of strings");
      return [];
    }
    if (options.nonEmpty && value.length === 0) this.error(field, "needs at least one entry");
    return value as string[];
  }

  object(field: string, options: { nonEmpty?: boolean } = {}): JsonObject {
    const value = this.value(field);
    if (value === undefined || value === null) {
      if (options.nonEmpty) this.error(field, "needs at least one entry");
      return {};
    }
    if (!isJsonObject(value)) {
      this.error(field, "must be an object");
      return {};
    }
    if (options.nonEmpty && Object.keys(value).length === 0) {
      this.error(field, "needs at least one entry");
    }
    return value;
  }

  /** A variable name written by the node (vars.<name>). */
  variableName(field: string, value: string, options: { required?: boolean } = {}): string {
    if (value === "") {
      if (options.required) this.error(field, "is required");
      return value;
    }
    if (!identifier.test(value)) {
      this.error(
        field,
        `variable name ${JSON.stringify(value)} must be an identifier (letters, digits, _)`,
      );
    }
    return value;
  }

  path(field: string, options: { required?: boolean } = {}): ValuePath | null {
    const text = this.string(field, "", options);
    if (text.trim() === "") return null;
    const parsed = parseValuePath(text);
    if (typeof parsed === "string") {
      this.error(field, parsed);
      return null;
    }
    return parsed;
  }

  template(field: string, source: string): CompiledTemplate | null {
    try {
      const template = compileTemplate(source, this.compiler);
      for (const expr of template.expressions) this.checkNames(field, expr.rootNames);
      return template;
    } catch (error) {
      this.expressionError(field, error);
      return null;
    }
  }

  expression(
    field: string,
    source: string,
    extraNames: readonly string[] = [],
  ): CompiledExpression | null {
    try {
      const expr = this.compiler.compile(source);
      this.checkNames(field, expr.rootNames, extraNames);
      return expr;
    } catch (error) {
      this.expressionError(field, error);
      return null;
    }
  }

  condition(
    field: string,
    options: { required?: boolean; extraNames?: readonly string[] } = {},
  ): CompiledCondition | null {
    const raw = this.value(field);
    if (raw === undefined || raw === null) {
      if (options.required) this.error(field, "is required");
      return null;
    }
    try {
      const extra = options.extraNames ?? [];
      const rootNames = new Set([...this.scope.names, ...extra]);
      const condition = compileCondition(raw, this.compiler, { rootNames });
      this.checkNames(field, condition.rootNames, extra);
      return condition;
    } catch (error) {
      this.expressionError(field, error);
      return null;
    }
  }

  /** Warns about fields no reader asked for (catches the nested/renamed shapes of old docs). */
  finish(): void {
    for (const key of Object.keys(this.raw)) {
      if (!this.seen.has(key)) {
        this.warning(
          key,
          "is not a field of this node type and is ignored",
          "UNKNOWN_CONFIG_FIELD",
        );
      }
    }
  }

  private checkNames(field: string, names: readonly string[], extra: readonly string[] = []): void {
    for (const name of names) {
      if (!this.scope.names.has(name) && !extra.includes(name)) {
        this.error(
          field,
          `unknown name "${name}" (expressions here see ${[...this.scope.names, ...extra].join(", ")}; ${this.scope.describe()})`,
          "INVALID_EXPRESSION",
        );
      }
    }
  }

  private expressionError(field: string, error: unknown): void {
    if (ExpressionError.is(error)) {
      this.error(field, error.message, "INVALID_EXPRESSION");
      return;
    }
    throw error;
  }
}
