import { type CelValue, celEnv, isCelError, parse, plan } from "@bufbuild/cel";
import { ExpressionError } from "../../domain/expressions/expression-error.js";
import type { JsonValue } from "../../domain/json.js";
import type {
  CompiledExpression,
  ExpressionBindings,
  ExpressionCompiler,
  ExpressionLimits,
} from "../../domain/ports/expression-compiler.js";
import { analyseAst, meterComprehensionSteps } from "./cel-ast.js";
import { fromCelValue, ResultTooLarge, toCelValue, UnsupportedResult } from "./cel-json-values.js";
import { CostLimitExceeded, CostMeter } from "./cost-meter.js";
import { meteredFunctions } from "./metered-functions.js";

export const DEFAULT_EXPRESSION_LIMITS: ExpressionLimits = {
  maxSourceLength: 4096,
  maxAstNodes: 1000,
  maxCost: 300_000,
  maxResultBytes: 1024 * 1024,
};

type Planned = ReturnType<typeof plan>;

/**
 * CEL via @bufbuild/cel: parse and plan once per expression, evaluate many times. Only the
 * standard library and the `strings` extension are available, metered (see
 * metered-functions.ts); there is no path from an expression to code execution. JSON numbers
 * are CEL doubles; int and double mix in arithmetic (an extension of standard CEL, so that
 * `vars.count + 1` works on JSON data).
 */
export class CelExpressionCompiler implements ExpressionCompiler {
  readonly limits: ExpressionLimits;
  private readonly meter: CostMeter;
  private readonly env: ReturnType<typeof celEnv>;

  constructor(limits: Partial<ExpressionLimits> = {}) {
    this.limits = { ...DEFAULT_EXPRESSION_LIMITS, ...limits };
    this.meter = new CostMeter(this.limits.maxCost);
    this.env = celEnv({ funcs: meteredFunctions(this.meter) });
  }

  compile(source: string): CompiledExpression {
    if (source.length > this.limits.maxSourceLength) {
      throw new ExpressionError(
        "syntax",
        `expression is ${source.length} characters long; the limit is ${this.limits.maxSourceLength}`,
        source,
      );
    }
    let parsed: ReturnType<typeof parse>;
    try {
      parsed = parse(source);
    } catch (error) {
      throw new ExpressionError("syntax", `syntax error: ${messageOf(error)}`, source);
    }
    const facts = analyseAst(parsed.expr);
    if (facts.nodeCount > this.limits.maxAstNodes) {
      throw new ExpressionError(
        "syntax",
        `expression has ${facts.nodeCount} syntax nodes; the limit is ${this.limits.maxAstNodes}`,
        source,
      );
    }
    const [messageType] = facts.messageTypes;
    if (messageType !== undefined) {
      throw new ExpressionError(
        "syntax",
        `message construction (${messageType}{…}) is not supported; use map and list literals`,
        source,
      );
    }
    meterComprehensionSteps(parsed.expr);
    let planned: Planned;
    try {
      planned = plan(this.env, parsed);
    } catch (error) {
      throw new ExpressionError("syntax", `invalid expression: ${messageOf(error)}`, source);
    }
    return new CelExpression(source, facts.rootNames, planned, this.meter, this.limits);
  }
}

class CelExpression implements CompiledExpression {
  constructor(
    readonly source: string,
    readonly rootNames: readonly string[],
    private readonly planned: Planned,
    private readonly meter: CostMeter,
    private readonly limits: ExpressionLimits,
  ) {}

  evaluate(bindings: ExpressionBindings): JsonValue {
    const meter = this.meter;
    meter.reset();
    const activation: Record<string, CelValue> = {};
    for (const name of this.rootNames) {
      const value = bindings[name];
      if (value === undefined) {
        throw new ExpressionError("evaluation", `"${name}" is not defined here`, this.source);
      }
      activation[name] = toCelValue(value, meter);
    }
    let result: CelValue | ReturnType<Planned>;
    try {
      result = this.planned(activation);
    } catch (error) {
      throw this.failure(error);
    }
    if (meter.exceeded) throw this.failure(new CostLimitExceeded());
    if (isCelError(result)) throw this.failure(result);
    try {
      return fromCelValue(result, this.limits.maxResultBytes);
    } catch (error) {
      throw this.failure(error);
    }
  }

  private failure(error: unknown): ExpressionError {
    if (this.meter.exceeded || error instanceof CostLimitExceeded) {
      const detail = this.meter.detail === undefined ? "" : `: ${this.meter.detail}`;
      return new ExpressionError(
        "limit",
        `expression exceeded its evaluation cost limit (${this.limits.maxCost} units)${detail}`,
        this.source,
      );
    }
    if (error instanceof ResultTooLarge) {
      return new ExpressionError(
        "limit",
        `expression result is larger than ${this.limits.maxResultBytes} bytes`,
        this.source,
        "PAYLOAD_TOO_LARGE",
      );
    }
    if (error instanceof UnsupportedResult) {
      return new ExpressionError("evaluation", error.message, this.source);
    }
    return new ExpressionError("evaluation", messageOf(error), this.source);
  }
}

function messageOf(error: unknown): string {
  if (error instanceof Error) return error.message.replace(/^<input>:/, "at ");
  return String(error);
}
