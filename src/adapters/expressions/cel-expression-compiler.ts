import {
  type CelFunc,
  type CelList,
  CelScalar,
  type CelValue,
  celEnv,
  celFunc,
  celMethod,
  isCelError,
  listType,
  parse,
  plan,
} from "@bufbuild/cel";
import { strings } from "@bufbuild/cel/ext";
import { ExpressionError } from "../../domain/expressions/expression-error.js";
import type { JsonValue } from "../../domain/json.js";
import type {
  CompiledExpression,
  ExpressionBindings,
  ExpressionCompiler,
  ExpressionLimits,
} from "../../domain/ports/expression-compiler.js";
import { analyseAst, comprehensionStepFunction, meterComprehensionSteps } from "./cel-ast.js";
import {
  AppendList,
  argumentWeight,
  fromCelValue,
  ResultTooLarge,
  toCelValue,
  UnsupportedResult,
} from "./cel-json-values.js";
import { CostLimitExceeded, CostMeter } from "./cost-meter.js";

const DEFAULT_EXPRESSION_LIMITS: ExpressionLimits = {
  maxSourceLength: 4096,
  maxAstNodes: 1000,
  maxCost: 300_000,
  maxResultBytes: 1024 * 1024,
};

type Planned = ReturnType<typeof plan>;

/**
 * CEL via @bufbuild/cel: parse and plan once per expression, evaluate many times. Only the
 * standard library and the `strings` extension are available; there is no path from an
 * expression to code execution. JSON numbers are CEL doubles; int and double mix in arithmetic
 * (an extension of standard CEL, so that `vars.count + 1` works on JSON data).
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
      return new ExpressionError(
        "limit",
        `expression exceeded its evaluation cost limit (${this.limits.maxCost} units)`,
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

const { DOUBLE, INT, DYN } = CelScalar;
const LIST = listType(DYN);

/**
 * The standard library and strings extension, each function wrapped to charge the meter, plus
 * amortised list append and int/double mixing. Later entries replace earlier ones with the
 * same overload id.
 */
function meteredFunctions(meter: CostMeter): CelFunc[] {
  const out: CelFunc[] = [];
  for (const func of celEnv({ funcs: strings }).funcs) {
    if (isSizeDependent(func)) out.push(metered(func, meter));
  }
  out.push(
    celFunc("_+_", [LIST, LIST], LIST, (left: CelList, right: CelList) =>
      AppendList.concat(left, right, meter),
    ),
    // A comprehension iteration, weighted by its step's size (see meterComprehensionSteps).
    celFunc(comprehensionStepFunction, [DYN, INT], DYN, (condition: CelValue, weight: bigint) => {
      meter.charge(Number(weight));
      return condition;
    }),
  );
  const mixed: [string, (a: number, b: number) => number][] = [
    ["_+_", (a, b) => a + b],
    ["_-_", (a, b) => a - b],
    ["_*_", (a, b) => a * b],
    ["_/_", (a, b) => a / b],
  ];
  for (const [name, op] of mixed) {
    out.push(celFunc(name, [DOUBLE, INT], DOUBLE, (a: number, b: bigint) => op(a, Number(b))));
    out.push(celFunc(name, [INT, DOUBLE], DOUBLE, (a: bigint, b: number) => op(Number(a), b)));
  }
  return out;
}

const scalarTypes: ReadonlySet<string> = new Set(["int", "uint", "double", "bool", "null_type"]);

/** Functions over numbers and booleans cost O(1); only the others need metering. */
function isSizeDependent(func: CelFunc): boolean {
  const types = func.target === undefined ? func.arguments : [func.target, ...func.arguments];
  return types.some((type) => !scalarTypes.has(type.name));
}

function metered(func: CelFunc, meter: CostMeter): CelFunc {
  const invoke = (target: CelValue | undefined, args: CelValue[]): CelValue => {
    let weight = 1 + (target === undefined ? 0 : argumentWeight(target));
    for (const arg of args) weight += argumentWeight(arg);
    meter.charge(weight);
    const result = func.call(0, target, args);
    if (result === undefined) throw new Error(`no matching overload for ${func.name}`);
    if (isCelError(result)) throw result;
    return result;
  };
  if (func.target === undefined) {
    return celFunc(func.name, func.arguments, func.result, (...args: CelValue[]) =>
      invoke(undefined, args),
    );
  }
  return celMethod(
    func.name,
    func.target,
    func.arguments,
    func.result,
    function (this: CelValue, ...args: CelValue[]) {
      return invoke(this, args);
    },
  );
}
