import type { ErrorReason } from "../errors.js";
import type { JsonObject } from "../json.js";

/**
 * A node-level error (reason EXECUTION_ERROR unless said otherwise): retried by the node's
 * policy, then routed to its `error` port when connected, else it fails the run.
 */
export class NodeFailure extends Error {
  override readonly name = "NodeFailure";
  constructor(
    message: string,
    readonly reason: ErrorReason = "EXECUTION_ERROR",
    /** Extra fields for the error output, e.g. `{status, body}` of an HTTP answer. */
    readonly detail: JsonObject = {},
    readonly retryable = true,
  ) {
    super(message);
  }
}

/** A run-level limit (timeout, operations, loops, payload size): never routed, fails the run. */
export class RunLimitError extends Error {
  override readonly name = "RunLimitError";
  constructor(
    message: string,
    readonly reason: ErrorReason,
  ) {
    super(message);
  }
}

export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
