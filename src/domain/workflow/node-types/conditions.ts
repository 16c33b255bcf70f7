import type { CompiledCondition } from "../../expressions/condition.js";
import type { ValuePath } from "../../expressions/value-path.js";
import type { CompiledExpression } from "../../ports/expression-compiler.js";
import { defineNodeType, ERROR_PORT } from "../node-type-spec.js";

const conditionDoc =
  'A condition: a rule `{variable, operator, value}` (variable is a dotted path such as `trigger.user.name`; a first segment that is not a binding name means a variable), a group `{and: [...]}`, `{or: [...]}`, `{not: ...}` (or `{operator: "and"|"or", conditions: [...]}` / `{operator: "not", condition: ...}`), a list (all must hold), or a CEL string / `{expression: "..."}` returning a bool.';

export interface IfConfig {
  condition: CompiledCondition | null;
  truePort: string;
  falsePort: string;
}

export const conditionIf = defineNodeType<IfConfig>({
  type: "condition_if",
  category: "condition",
  summary:
    "Evaluates a condition and fires `true` or `false`. Operators: equals, not_equals, greater_than, less_than, greater_equal, less_equal, contains, not_contains, matches_regex (RE2), in_list, not_in_list.",
  inputPorts: ["input"],
  portsDoc: "out: `true`, `false` (names configurable), `error`",
  fields: [
    { name: "condition", type: "condition", default: "(required)", description: conditionDoc },
    {
      name: "output_true_port",
      type: "string",
      default: "true",
      description: "Port fired when the condition holds.",
    },
    {
      name: "output_false_port",
      type: "string",
      default: "false",
      description: "Port fired otherwise.",
    },
  ],
  parse(r) {
    const truePort = r.string("output_true_port", "true", { required: true });
    const falsePort = r.string("output_false_port", "false", { required: true });
    if (truePort === falsePort) r.error("output_false_port", "must differ from output_true_port");
    return { condition: r.condition("condition", { required: true }), truePort, falsePort };
  },
  outputPorts: (c) => [c.truePort, c.falsePort, ERROR_PORT],
});

export interface SwitchConfig {
  variable: ValuePath | null;
  expression: CompiledExpression | null;
  cases: [string, string][];
  defaultPort: string;
}

export const conditionSwitch = defineNodeType<SwitchConfig>({
  type: "condition_switch",
  category: "condition",
  summary:
    "Reads a value (a path in `variable`, or a CEL `expression`), renders it as text (strings as-is, others as JSON) and fires the port of the matching case key, else `default_port`.",
  inputPorts: ["input"],
  portsDoc: "out: one port per distinct case value, the default port, `error`",
  fields: [
    {
      name: "variable",
      type: "path",
      default: '""',
      description: "Dotted path of the value to switch on.",
    },
    {
      name: "expression",
      type: "CEL",
      default: '""',
      description: "Alternative to `variable`: a CEL expression.",
    },
    {
      name: "cases",
      type: "{value: port}",
      default: "(required)",
      description: "Case value (as text) to port name.",
    },
    {
      name: "default_port",
      type: "string",
      default: "default",
      description: "Port fired when no case matches.",
    },
  ],
  parse(r) {
    const variable = r.path("variable");
    const source = r.string("expression", "");
    const expression = source.trim() === "" ? null : r.expression("expression", source);
    if (variable === null && expression === null && source.trim() === "") {
      r.error("variable", "is required (or give an expression)");
    }
    if (variable !== null && source.trim() !== "")
      r.error("expression", "give either variable or expression");
    const raw = r.object("cases", { nonEmpty: true });
    const cases: [string, string][] = [];
    for (const [value, port] of Object.entries(raw)) {
      if (typeof port !== "string" || port.trim() === "") {
        r.error(`cases.${value}`, "must name a port (non-empty string)");
        continue;
      }
      cases.push([value, port]);
    }
    const defaultPort = r.string("default_port", "default", { required: true });
    return { variable, expression, cases, defaultPort };
  },
  outputPorts: (c) => [...new Set([...c.cases.map(([, port]) => port), c.defaultPort, ERROR_PORT])],
});

export interface FilterConfig {
  inputArray: ValuePath | null;
  condition: CompiledCondition | null;
  outputVariable: string;
}

export const conditionFilter = defineNodeType<FilterConfig>({
  type: "condition_filter",
  category: "condition",
  summary:
    "Keeps the items of a list for which the condition holds (each item is bound as `item`, its position as `index`), writes the result to a variable and outputs it.",
  inputPorts: ["input"],
  portsDoc: "out: `output` (`{<output_variable>: [...], count}`), `error` (input is not a list)",
  fields: [
    {
      name: "input_array",
      type: "path",
      default: "(required)",
      description: "Dotted path of the list.",
    },
    {
      name: "condition",
      type: "condition",
      default: "(required)",
      description: `${conditionDoc} Use \`item.field\` to test an item.`,
    },
    {
      name: "output_variable",
      type: "identifier",
      default: "filtered_items",
      description: "Variable that receives the kept items.",
    },
  ],
  parse(r) {
    return {
      inputArray: r.path("input_array", { required: true }),
      condition: r.condition("condition", { required: true, extraNames: ["item", "index"] }),
      outputVariable: r.variableName(
        "output_variable",
        r.string("output_variable", "filtered_items", { required: true }),
        { required: true },
      ),
    };
  },
  outputPorts: () => ["output", ERROR_PORT],
});
