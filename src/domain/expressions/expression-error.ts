import type { ErrorReason } from "../errors.js";

/**
 * `syntax`: the source does not parse or breaks a static limit (a validation error).
 * `evaluation`: it failed at run time (a node error, reason EXECUTION_ERROR).
 * `limit`: it exceeded its evaluation cost or result size budget at run time.
 */
type ExpressionErrorKind = "syntax" | "evaluation" | "limit";

const brand = Symbol.for("waddlebot.workflow.ExpressionError");

/** The one error type of expression compilation and evaluation. */
export class ExpressionError extends Error {
  override readonly name = "ExpressionError";
  readonly kind: ExpressionErrorKind;
  readonly source: string;
  readonly reason: ErrorReason;
  readonly [brand] = true;

  constructor(kind: ExpressionErrorKind, message: string, source: string, reason?: ErrorReason) {
    super(message);
    this.kind = kind;
    this.source = source;
    this.reason = reason ?? (kind === "syntax" ? "BAD_REQUEST" : "EXECUTION_ERROR");
  }

  static is(value: unknown): value is ExpressionError {
    return typeof value === "object" && value !== null && brand in value;
  }
}
