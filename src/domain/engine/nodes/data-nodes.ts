import type { JsonObject, JsonValue } from "../../json.js";
import type { ExpressionBindings } from "../../ports/expression-compiler.js";
import type {
  TransformConfig,
  ValueTemplate,
  VariableGetConfig,
  VariableSetConfig,
} from "../../workflow/node-types/data.js";
import type { NodeContext, NodeOutcome } from "../node-context.js";

export function runTransform(ctx: NodeContext): NodeOutcome {
  const config = ctx.node.config as TransformConfig;
  const output: JsonObject = {};
  for (const [name, expr] of config.transformations) {
    const value = expr.evaluate(ctx.bindings);
    ctx.writeVariable(name, value);
    output[name] = value;
  }
  return { port: "output", output };
}

export function renderValue(template: ValueTemplate, bindings: ExpressionBindings): JsonValue {
  switch (template.kind) {
    case "literal":
      return template.value;
    case "template":
      return template.template.value(bindings);
    case "array":
      return template.items.map((item) => renderValue(item, bindings));
    case "object": {
      const out: JsonObject = {};
      for (const [key, value] of template.entries) out[key] = renderValue(value, bindings);
      return out;
    }
  }
}

export function runVariableSet(ctx: NodeContext): NodeOutcome {
  const config = ctx.node.config as VariableSetConfig;
  const output: JsonObject = {};
  for (const [name, template] of config.variables) {
    const value = renderValue(template, ctx.bindings);
    ctx.writeVariable(name, value);
    output[name] = value;
  }
  return { port: "output", output };
}

export function runVariableGet(ctx: NodeContext): NodeOutcome {
  const config = ctx.node.config as VariableGetConfig;
  const found = config.variable === null ? undefined : ctx.resolve(config.variable);
  const value = found === undefined ? config.defaultValue : found;
  ctx.writeVariable(config.outputVariable, value);
  return { port: "output", output: { value, found: found !== undefined } };
}
