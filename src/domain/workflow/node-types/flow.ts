import type { CompiledExpression } from "../../ports/expression-compiler.js";
import { defineNodeType } from "../node-type-spec.js";

export interface MergeConfig {
  /** -1 = every live input; N = fire at the N-th arrival. */
  inputsRequired: number;
}

export const flowMerge = defineNodeType<MergeConfig>({
  type: "flow_merge",
  category: "flow",
  summary:
    "Joins branches. With -1 it waits for every live incoming edge (dead branches do not count); with N it fires once, at the N-th arrival (later arrivals are ignored; if fewer than N can arrive it is skipped). Output: the input (a single input's value, or `{<from node id>: output}` for several).",
  inputPorts: ["input"],
  portsDoc: "out: `output`",
  fields: [
    { name: "input_ports_required", type: "int", default: "-1", description: "-1 or >= 1." },
  ],
  parse(r) {
    const n = r.number("input_ports_required", -1, { integer: true });
    if (n !== -1 && n < 1) r.error("input_ports_required", "must be -1 (all) or at least 1");
    return { inputsRequired: n === -1 || n >= 1 ? n : -1 };
  },
  outputPorts: () => ["output"],
});

interface ParallelConfig {
  timeoutMs: number;
}

export const flowParallel = defineNodeType<ParallelConfig>({
  type: "flow_parallel",
  category: "flow",
  summary:
    "Fans out: every edge from `parallel` starts a branch, and ready branches run concurrently (at most MAX_PARALLEL_NODES nodes at once). Its branches (everything reachable from it up to, not including, the next flow_merge) must all finish within timeout_seconds, or the run fails with EXECUTION_TIMEOUT at this node.",
  inputPorts: ["input"],
  portsDoc: "out: `parallel` (output: the input)",
  fields: [
    {
      name: "execution_type",
      type: "string",
      default: "parallel",
      description: "Only `parallel` is supported.",
    },
    {
      name: "merge_results",
      type: "bool",
      default: "true",
      description: "Accepted for compatibility; no effect (use flow_merge).",
    },
    { name: "timeout_seconds", type: "number", default: "300", description: "> 0." },
  ],
  parse(r) {
    const type = r.string("execution_type", "parallel");
    if (type !== "parallel") {
      r.error("execution_type", `only "parallel" is supported (got ${JSON.stringify(type)})`);
    }
    r.boolean("merge_results", true);
    const seconds = r.number("timeout_seconds", 300, { min: 0, exclusiveMin: true });
    return { timeoutMs: Math.round(seconds * 1000) };
  },
  outputPorts: () => ["parallel"],
});

export interface EndConfig {
  output: CompiledExpression | null;
}

export const flowEnd = defineNodeType<EndConfig>({
  type: "flow_end",
  category: "flow",
  summary:
    "Ends its path and sets the execution's final output: the CEL `output_expression` if given, else its input. When several end nodes are reached, the one latest in the workflow's deterministic order wins.",
  inputPorts: ["input"],
  portsDoc: "out: none",
  fields: [
    {
      name: "output_expression",
      type: "CEL",
      default: '"" (pass the input through)',
      description: "Final output.",
    },
    {
      name: "final_output_port",
      type: "string",
      default: "end",
      description: "Accepted for compatibility; no effect.",
    },
  ],
  parse(r) {
    r.string("final_output_port", "end");
    const source = r.string("output_expression", "");
    return { output: source.trim() === "" ? null : r.expression("output_expression", source) };
  },
  outputPorts: () => [],
});
