import type { CompiledTemplate } from "../../expressions/template.js";
import type { ValuePath } from "../../expressions/value-path.js";
import type { JsonValue } from "../../json.js";
import type { CompiledExpression } from "../../ports/expression-compiler.js";
import type { ConfigReader } from "../config-reader.js";
import { defineNodeType, ERROR_PORT } from "../node-type-spec.js";

const dataPorts = ["output", ERROR_PORT] as const;

export interface TransformConfig {
  transformations: [string, CompiledExpression][];
}

export const dataTransform = defineNodeType<TransformConfig>({
  type: "data_transform",
  category: "data",
  summary:
    "Evaluates CEL expressions in order and writes each result to its variable (a later expression sees earlier results in `vars`). Output: `{<variable>: value, ...}`.",
  inputPorts: ["input"],
  portsDoc: "out: `output`, `error` (an expression failed)",
  fields: [
    {
      name: "transformations",
      type: "{variable: CEL}",
      default: "(required)",
      description: "Variable name to CEL expression.",
    },
    {
      name: "expression_language",
      type: "string",
      default: "cel",
      description: "Must be `cel` (the only language).",
    },
  ],
  parse(r) {
    const language = r.string("expression_language", "cel");
    if (language !== "cel") {
      r.error("expression_language", `only "cel" is supported (got ${JSON.stringify(language)})`);
    }
    const transformations: [string, CompiledExpression][] = [];
    for (const [name, source] of Object.entries(r.object("transformations", { nonEmpty: true }))) {
      r.variableName(`transformations.${name}`, name);
      if (typeof source !== "string" || source.trim() === "") {
        r.error(`transformations.${name}`, "must be a CEL expression string");
        continue;
      }
      const expr = r.expression(`transformations.${name}`, source);
      if (expr !== null) transformations.push([name, expr]);
    }
    return { transformations };
  },
  outputPorts: () => dataPorts,
});

/** A variable value with every string inside compiled as a template. */
export type ValueTemplate =
  | { kind: "literal"; value: JsonValue }
  | { kind: "template"; template: CompiledTemplate }
  | { kind: "array"; items: ValueTemplate[] }
  | { kind: "object"; entries: [string, ValueTemplate][] };

function compileValue(r: ConfigReader, field: string, value: JsonValue): ValueTemplate {
  if (typeof value === "string") {
    const template = r.template(field, value);
    return template === null || template.isStatic
      ? { kind: "literal", value }
      : { kind: "template", template };
  }
  if (Array.isArray(value)) {
    const items = value.map((item, i) => compileValue(r, `${field}[${i}]`, item));
    return items.every((i) => i.kind === "literal")
      ? { kind: "literal", value }
      : { kind: "array", items };
  }
  if (value !== null && typeof value === "object") {
    const entries: [string, ValueTemplate][] = Object.entries(value).map(([k, v]) => [
      k,
      compileValue(r, `${field}.${k}`, v),
    ]);
    return entries.every(([, v]) => v.kind === "literal")
      ? { kind: "literal", value }
      : { kind: "object", entries };
  }
  return { kind: "literal", value };
}

export interface VariableSetConfig {
  variables: [string, ValueTemplate][];
}

export const dataVariableSet = defineNodeType<VariableSetConfig>({
  type: "data_variable_set",
  category: "data",
  summary:
    "Sets variables. Strings (also inside lists and objects) are templates; a string that is exactly one `{{ expr }}` keeps the expression's type. Output: the values written.",
  inputPorts: ["input"],
  portsDoc: "out: `output`, `error` (a template failed)",
  fields: [
    {
      name: "variables",
      type: "{name: value}",
      default: "(required)",
      description: "Variables to set.",
    },
    {
      name: "scope",
      type: "string",
      default: "workflow",
      description: "Accepted for compatibility; variables are always execution-wide.",
    },
  ],
  parse(r) {
    const scope = r.string("scope", "workflow");
    if (scope !== "workflow") {
      r.warning("scope", `"${scope}" has no effect: variables are execution-wide`);
    }
    const variables: [string, ValueTemplate][] = [];
    for (const [name, value] of Object.entries(r.object("variables", { nonEmpty: true }))) {
      r.variableName(`variables.${name}`, name);
      variables.push([name, compileValue(r, `variables.${name}`, value)]);
    }
    return { variables };
  },
  outputPorts: () => dataPorts,
});

export interface VariableGetConfig {
  variable: ValuePath | null;
  outputVariable: string;
  defaultValue: JsonValue;
}

export const dataVariableGet = defineNodeType<VariableGetConfig>({
  type: "data_variable_get",
  category: "data",
  summary:
    "Reads a value by path (default_value when missing) and copies it into output_variable. Output `{value, found}`.",
  inputPorts: ["input"],
  portsDoc: "out: `output`",
  fields: [
    {
      name: "variable_name",
      type: "path",
      default: "(required)",
      description: "Dotted path to read.",
    },
    {
      name: "output_variable",
      type: "identifier",
      default: "(required)",
      description: "Variable to write.",
    },
    {
      name: "default_value",
      type: "any",
      default: "null",
      description: "Value used when the path is missing.",
    },
  ],
  parse(r) {
    return {
      variable: r.path("variable_name", { required: true }),
      outputVariable: r.variableName(
        "output_variable",
        r.string("output_variable", "", { required: true }),
        {
          required: true,
        },
      ),
      defaultValue: r.value("default_value") ?? null,
    };
  },
  outputPorts: () => ["output"],
});
