import type { JsonValue } from "../json.js";

/**
 * A value an expression can see under a top-level name. Plain JSON, or a read-only map whose
 * entries are looked up lazily (the engine passes `nodes` this way so that a workflow with many
 * nodes is never copied per evaluation).
 */
export type ExpressionInput = JsonValue | ReadonlyMap<string, JsonValue>;

/** Top-level names and their values; an absent or undefined name is unbound. */
export type ExpressionBindings = Readonly<Record<string, ExpressionInput | undefined>>;

/** An expression compiled once (per workflow version) and evaluated many times. */
export interface CompiledExpression {
  readonly source: string;
  /** Top-level identifiers the expression reads, used by the validator to reject unknown names. */
  readonly rootNames: readonly string[];
  /**
   * Evaluates against `bindings`. Throws ExpressionError (kind `evaluation` or `limit`) on
   * failure; never returns a non-JSON value.
   */
  evaluate(bindings: ExpressionBindings): JsonValue;
}

/** Static and run-time bounds every compiled expression obeys. */
export interface ExpressionLimits {
  /** Longest accepted source, in characters. */
  maxSourceLength: number;
  /** Most AST nodes one expression may have. */
  maxAstNodes: number;
  /**
   * Most work units per evaluation: field reads, list elements visited, function calls weighted
   * by argument size, and values functions build, weighted by their size (charged before they
   * are built).
   */
  maxCost: number;
  /** Largest JSON result, in bytes (approximate, UTF-16 code units). */
  maxResultBytes: number;
}

/** The one expression language of the service (CEL); implemented by an adapter. */
export interface ExpressionCompiler {
  readonly limits: ExpressionLimits;
  /** Throws ExpressionError (kind `syntax`) when the source does not compile. */
  compile(source: string): CompiledExpression;
}
