import type { JsonValue } from "../json.js";
import type { ConfigReader } from "./config-reader.js";

export type NodeCategory = "trigger" | "condition" | "action" | "data" | "loop" | "flow";

/** Documentation of one config field (docs/nodes.md is written from these). */
export interface FieldDoc {
  name: string;
  type: string;
  default: string;
  description: string;
}

/**
 * Everything the validator, the compiler, the engine and the docs need to know about one node
 * type, except how it runs (that lives in src/domain/engine/nodes).
 */
export interface NodeTypeSpec<C = unknown> {
  readonly type: string;
  readonly category: NodeCategory;
  readonly summary: string;
  /** Input port names; triggers have none. */
  readonly inputPorts: readonly string[];
  /** Human description of the output ports, for the docs. */
  readonly portsDoc: string;
  readonly fields: readonly FieldDoc[];
  /** Documented dry-run output for side-effecting nodes. */
  readonly dryRunDoc?: string;
  /** Reads and validates the config; problems go to the reader's collector. */
  parse(reader: ConfigReader): C;
  /** Output port names for this config. */
  outputPorts(config: C): readonly string[];
}

export function defineNodeType<C>(spec: NodeTypeSpec<C>): NodeTypeSpec<C> {
  return spec;
}

/** The port every non-trigger node fails on when connected. */
export const ERROR_PORT = "error";
/** The input port name connections default to. */
export const DEFAULT_INPUT_PORT = "input";

export type { JsonValue };
