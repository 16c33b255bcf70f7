import type { ValuePath } from "../expressions/value-path.js";
import type { JsonObject, JsonValue } from "../json.js";
import type { ActionGateway } from "../ports/action-gateway.js";
import type { Clock } from "../ports/clock.js";
import type { ExpressionBindings } from "../ports/expression-compiler.js";
import type { CompiledNode } from "./compile-workflow.js";
import type { RunMode, TrustedContext } from "./engine-types.js";

/** What a node's behaviour sees while it runs. */
export interface NodeContext {
  readonly node: CompiledNode;
  readonly input: JsonValue;
  readonly bindings: ExpressionBindings;
  readonly mode: RunMode;
  /** Dry-run mock output for this node, if the caller gave one. */
  readonly mock: JsonValue | undefined;
  readonly execution: TrustedContext;
  readonly triggerData: JsonObject;
  readonly gateway: ActionGateway;
  readonly clock: Clock;
  /** Aborted when the run stops (cancelled, failed elsewhere, timed out). */
  readonly signal: AbortSignal;
  readonly attempt: number;
  /**
   * A wait of at least this many ms should park the run (return a `wait` outcome) instead of
   * sleeping; null when this run cannot park here (dry-run, inside a loop, not enabled).
   */
  readonly parkAfterMs: number | null;
  log(message: string): void;
  resolve(path: ValuePath): JsonValue | undefined;
  /** Writes vars.<name> under the deterministic write rule; may throw RunLimitError. */
  writeVariable(name: string, value: JsonValue): void;
  /** Dry-run: the request an action would have sent. */
  simulate(request: JsonValue): void;
}

/**
 * `break` ends the innermost loop; `end` offers the output as the execution's final output.
 * `port: null` fires no edge.
 */
export interface NodeOutcome {
  port: string | null;
  output: JsonValue;
  control?: "break" | "end";
  /** Park the node until `wakeAtMs` (port and output are then ignored). */
  wait?: WaitRequest;
}

/**
 * delay: the node completes on "success" with `output` once the time has come; retry: attempt
 * `attempt` of the node runs then (the engine's retry backoff, parked).
 */
export type WaitRequest =
  | { kind: "delay"; wakeAtMs: number; output: JsonValue }
  | { kind: "retry"; wakeAtMs: number; attempt: number };

export type NodeBehaviour = (ctx: NodeContext) => NodeOutcome | Promise<NodeOutcome>;
