import { stringifyForTemplate } from "../../expressions/template.js";
import type { JsonValue } from "../../json.js";
import type { FilterConfig, IfConfig, SwitchConfig } from "../../workflow/node-types/conditions.js";
import type { NodeContext, NodeOutcome } from "../node-context.js";
import { NodeFailure } from "../node-failure.js";

export function runConditionIf(ctx: NodeContext): NodeOutcome {
  const config = ctx.node.config as IfConfig;
  const result = config.condition?.evaluate(ctx.bindings) ?? false;
  return {
    port: result ? config.truePort : config.falsePort,
    output: { condition_result: result },
  };
}

export function runConditionSwitch(ctx: NodeContext): NodeOutcome {
  const config = ctx.node.config as SwitchConfig;
  let value: JsonValue | undefined;
  if (config.expression !== null) value = config.expression.evaluate(ctx.bindings);
  else if (config.variable !== null) value = ctx.resolve(config.variable);
  const text = value === undefined ? "" : stringifyForTemplate(value === null ? "null" : value);
  for (const [key, port] of config.cases) {
    if (key === text) return { port, output: { switch_value: value ?? null, matched_case: key } };
  }
  return { port: config.defaultPort, output: { switch_value: value ?? null, matched_case: null } };
}

export function runConditionFilter(ctx: NodeContext): NodeOutcome {
  const config = ctx.node.config as FilterConfig;
  const list = config.inputArray === null ? undefined : ctx.resolve(config.inputArray);
  if (!Array.isArray(list)) {
    throw new NodeFailure(
      `input_array "${config.inputArray?.source}" is ${list === undefined ? "missing" : "not a list"}`,
    );
  }
  const kept: JsonValue[] = [];
  list.forEach((item, index) => {
    const bindings = { ...ctx.bindings, item, index };
    if (config.condition?.evaluate(bindings)) kept.push(item);
  });
  ctx.writeVariable(config.outputVariable, kept);
  return { port: "output", output: { [config.outputVariable]: kept, count: kept.length } };
}
