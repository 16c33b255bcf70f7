import type { EndConfig } from "../../workflow/node-types/flow.js";
import type { BreakConfig } from "../../workflow/node-types/loops.js";
import type { NodeContext, NodeOutcome } from "../node-context.js";

export function runTrigger(ctx: NodeContext): NodeOutcome {
  return { port: "output", output: ctx.triggerData };
}

export function runMerge(ctx: NodeContext): NodeOutcome {
  return { port: "output", output: ctx.input };
}

export function runParallel(ctx: NodeContext): NodeOutcome {
  return { port: "parallel", output: ctx.input };
}

export function runEnd(ctx: NodeContext): NodeOutcome {
  const config = ctx.node.config as EndConfig;
  const output = config.output === null ? ctx.input : config.output.evaluate(ctx.bindings);
  return { port: null, output, control: "end" };
}

export function runBreak(ctx: NodeContext): NodeOutcome {
  const config = ctx.node.config as BreakConfig;
  const breaks = config.condition === null ? true : config.condition.evaluate(ctx.bindings);
  if (breaks) {
    ctx.log("breaking the innermost loop");
    return { port: null, output: { loop_broken: true }, control: "break" };
  }
  return { port: "continue", output: { loop_broken: false } };
}
