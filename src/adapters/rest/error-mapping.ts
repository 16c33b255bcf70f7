import { DomainError, type DomainErrorKind, type ErrorReason } from "../../domain/errors.js";
import type { JsonObject } from "../../domain/json.js";
import type { Logger } from "../../ports/logger.js";
import { errorReply, type RestReply } from "./envelope.js";

/**
 * The one table from DomainError to HTTP status. `kind` decides, except for the reasons listed
 * in `statusByReason`. FAILED_PRECONDITION (cancel a finished execution, execute a draft, edit
 * an archived workflow) is 409 Conflict: the request is well-formed, the resource's state
 * forbids it. The error_code is always the DomainError's reason, as in the gRPC ErrorInfo.
 */
export const statusByKind: Readonly<Record<DomainErrorKind, number>> = {
  invalid_argument: 400,
  unauthenticated: 401,
  permission_denied: 403,
  not_found: 404,
  already_exists: 409,
  conflict: 409,
  failed_precondition: 409,
  limit_exceeded: 429,
  deadline_exceeded: 504,
  unavailable: 503,
  internal: 500,
};

const statusByReason: Readonly<Partial<Record<ErrorReason, number>>> = {
  PAYLOAD_TOO_LARGE: 413,
  EXECUTION_TIMEOUT: 504,
  // Engine limits hit by a synchronous run are execution errors of the request, as in the original.
  OPERATION_LIMIT_EXCEEDED: 400,
  LOOP_LIMIT_EXCEEDED: 400,
  LOOP_DEPTH_EXCEEDED: 400,
  // A dry-run over its CPU-time bound (RESOURCE_EXHAUSTED over RPC): retrying cannot help.
  CPU_LIMIT_EXCEEDED: 400,
};

export function httpStatusOf(error: DomainError): number {
  return statusByReason[error.reason] ?? statusByKind[error.kind];
}

interface ErrorContext {
  method: string;
  path: string;
  /** The request's id (x-request-id): logged with, and part of the body of, every 5xx. */
  requestId: string;
}

/**
 * Any thrown value as an error reply. Internal errors and non-domain errors answer with a
 * generic message; their cause goes to the log only. Every 5xx is logged here, once (error
 * for a failure, warn for a refusal such as shutting down), with the request id that its
 * `details.request_id` also carries.
 */
export function errorToReply(error: unknown, logger: Logger, context: ErrorContext): RestReply {
  const request = { method: context.method, path: context.path, request_id: context.requestId };
  if (!DomainError.is(error) || error.kind === "internal") {
    logger.error(
      { event_type: "ERROR", ...request, status: 500, err: error },
      "REST request failed with an internal error",
    );
    return errorReply(500, "INTERNAL_ERROR", "internal server error", {
      request_id: context.requestId,
    });
  }
  const status = httpStatusOf(error);
  const details = errorDetails(error);
  if (status >= 500) {
    logger.warn(
      { ...request, status, reason: error.reason, message: error.message },
      "REST request failed",
    );
    details.request_id = context.requestId;
  }
  const retryAfterMs = error.metadata.retry_after_ms;
  // A limit refusal tells HTTP clients when to come back, in whole seconds.
  const headers =
    status === 429 && retryAfterMs !== undefined
      ? { "retry-after": String(Math.max(1, Math.ceil(Number(retryAfterMs) / 1000))) }
      : undefined;
  return errorReply(status, error.reason, error.message, details, headers);
}

export function errorDetails(error: DomainError): JsonObject {
  const details: JsonObject = { ...error.metadata };
  if (error.violations.length > 0) {
    details.field_violations = error.violations.map((v) => ({
      field: v.field,
      description: v.description,
      ...(v.nodeId === undefined ? {} : { node_id: v.nodeId }),
    }));
  }
  return details;
}
