import type { CompiledCondition } from "../../expressions/condition.js";
import type { ValuePath } from "../../expressions/value-path.js";
import type { ConfigReader } from "../config-reader.js";
import { defineNodeType, ERROR_PORT } from "../node-type-spec.js";

const MAX_NODE_ITERATIONS = 10_000;
const RESERVED_NAMES: ReadonlySet<string> = new Set(["vars", "trigger", "nodes", "execution"]);
const loopPorts = ["loop", "done", ERROR_PORT] as const;
const loopPortsDoc =
  "out: `loop` (starts the body once per iteration; the body is everything reachable from this port and is closed by an edge back to the loop node), `done` (after the last iteration or a break; output `{iterations, broken}`), `error`";

function maxIterations(r: ConfigReader): number {
  return r.number("max_iterations", MAX_NODE_ITERATIONS, {
    min: 1,
    max: MAX_NODE_ITERATIONS,
    integer: true,
  });
}

function loopName(r: ConfigReader, field: string, fallback: string): string {
  const name = r.variableName(field, r.string(field, fallback, { required: true }), {
    required: true,
  });
  if (RESERVED_NAMES.has(name)) r.error(field, `"${name}" is a reserved name`);
  return name;
}

export interface ForeachConfig {
  arrayPath: ValuePath | null;
  itemName: string;
  indexName: string;
  maxIterations: number;
}

export const loopForeach = defineNodeType<ForeachConfig>({
  type: "loop_foreach",
  category: "loop",
  summary:
    "Runs its body once per element of a list. In the body the element and its position are bound under item_variable and index_variable. A list longer than min(max_iterations, MAX_LOOP_ITERATIONS) fails the run with LOOP_LIMIT_EXCEEDED before the first iteration (never truncated).",
  inputPorts: ["input"],
  portsDoc: loopPortsDoc,
  fields: [
    {
      name: "array_variable",
      type: "path",
      default: "(required)",
      description: "Dotted path of the list (e.g. `items` = vars.items, `trigger.users`).",
    },
    {
      name: "item_variable",
      type: "identifier",
      default: "item",
      description: "Name of the current element in body expressions.",
    },
    {
      name: "index_variable",
      type: "identifier",
      default: "index",
      description: "Name of the current position (from 0).",
    },
    {
      name: "max_iterations",
      type: "int",
      default: String(MAX_NODE_ITERATIONS),
      description: `1..${MAX_NODE_ITERATIONS}.`,
    },
  ],
  parse(r) {
    const itemName = loopName(r, "item_variable", "item");
    const indexName = loopName(r, "index_variable", "index");
    if (itemName === indexName) r.error("index_variable", "must differ from item_variable");
    return {
      arrayPath: r.path("array_variable", { required: true }),
      itemName,
      indexName,
      maxIterations: maxIterations(r),
    };
  },
  outputPorts: () => loopPorts,
});

export interface WhileConfig {
  condition: CompiledCondition | null;
  maxIterations: number;
}

export const loopWhile = defineNodeType<WhileConfig>({
  type: "loop_while",
  category: "loop",
  summary:
    "Evaluates its condition before every iteration and runs the body while it holds. If it still holds after min(max_iterations, MAX_LOOP_ITERATIONS) iterations the run fails with LOOP_LIMIT_EXCEEDED. In the body `index` is the iteration number.",
  inputPorts: ["input"],
  portsDoc: loopPortsDoc,
  fields: [
    {
      name: "condition",
      type: "condition",
      default: "(required)",
      description: "Same forms as condition_if.",
    },
    {
      name: "max_iterations",
      type: "int",
      default: String(MAX_NODE_ITERATIONS),
      description: `1..${MAX_NODE_ITERATIONS}.`,
    },
  ],
  parse(r) {
    return {
      condition: r.condition("condition", { required: true }),
      maxIterations: maxIterations(r),
    };
  },
  outputPorts: () => loopPorts,
});

export interface BreakConfig {
  condition: CompiledCondition | null;
}

export const loopBreak = defineNodeType<BreakConfig>({
  type: "loop_break",
  category: "loop",
  summary:
    "Ends the innermost loop when its condition holds (always, without a condition): no further body node of the iteration starts (they are skipped), running ones finish, and the loop continues from `done`. Otherwise fires `continue`.",
  inputPorts: ["input"],
  portsDoc: "out: `continue` (condition false), `error`",
  fields: [
    {
      name: "break_condition",
      type: "condition|null",
      default: "null (always break)",
      description: "Same forms as condition_if.",
    },
  ],
  parse(r) {
    return { condition: r.condition("break_condition") };
  },
  outputPorts: () => ["continue", ERROR_PORT],
});

export const LOOP_TYPES: ReadonlySet<string> = new Set(["loop_foreach", "loop_while"]);
