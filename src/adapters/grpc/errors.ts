import type { MessageInitShape } from "@bufbuild/protobuf";
import { Code, ConnectError } from "@connectrpc/connect";
import { codeToHttpStatus } from "@connectrpc/connect/protocol-connect";
import { DomainError, type DomainErrorKind, type ErrorReason } from "../../domain/errors.js";
import { ErrorInfoSchema } from "../../gen/waddlebot/workflow/v1/errors_pb.js";

/** `ErrorInfo.domain` of every error the service returns. */
const errorDomain = "workflow.waddlebot";

/** The one table from DomainError kinds to Connect/gRPC codes. */
function codeForKind(kind: DomainErrorKind): Code {
  switch (kind) {
    case "invalid_argument":
      return Code.InvalidArgument;
    case "not_found":
      return Code.NotFound;
    case "already_exists":
      return Code.AlreadyExists;
    case "failed_precondition":
      return Code.FailedPrecondition;
    case "conflict":
      return Code.Aborted;
    case "permission_denied":
      return Code.PermissionDenied;
    case "unauthenticated":
      return Code.Unauthenticated;
    case "limit_exceeded":
      return Code.ResourceExhausted;
    case "deadline_exceeded":
      return Code.DeadlineExceeded;
    case "unavailable":
      return Code.Unavailable;
    case "internal":
      return Code.Internal;
    default: {
      const unknownKind: never = kind;
      throw new Error(`unmapped DomainError kind ${String(unknownKind)}`);
    }
  }
}

/**
 * The reason for errors raised by Connect itself (decoding, size limits, unknown methods),
 * which carry a code but no ErrorInfo. ResourceExhausted is only raised there for the
 * read/write size limits; our own limit errors carry their reason.
 */
function reasonForCode(code: Code): ErrorReason {
  switch (code) {
    case Code.InvalidArgument:
    case Code.OutOfRange:
      return "BAD_REQUEST";
    case Code.Unauthenticated:
      return "UNAUTHORIZED";
    case Code.PermissionDenied:
      return "PERMISSION_DENIED";
    case Code.NotFound:
    case Code.Unimplemented:
      return "NOT_FOUND";
    case Code.ResourceExhausted:
      return "PAYLOAD_TOO_LARGE";
    case Code.AlreadyExists:
      return "ALREADY_EXISTS";
    case Code.FailedPrecondition:
      return "FAILED_PRECONDITION";
    case Code.Aborted:
      return "CONFLICT";
    case Code.DeadlineExceeded:
      return "EXECUTION_TIMEOUT";
    case Code.Unavailable:
      return "UNAVAILABLE";
    default:
      return "INTERNAL_ERROR";
  }
}

/** Codes that mean the server failed (logged, span status ERROR), not the caller. */
export function isServerFault(code: Code): boolean {
  return (
    code === Code.Internal ||
    code === Code.Unknown ||
    code === Code.DataLoss ||
    code === Code.Unavailable
  );
}

/**
 * Codes answered with a 5xx (Connect's HTTP mapping: Internal, Unknown, DataLoss, Unavailable,
 * Unimplemented, DeadlineExceeded): each is logged once, with the request id that the
 * ErrorInfo metadata also carries (`request_id`).
 */
export function isServerStatus(code: Code): boolean {
  return codeToHttpStatus(code) >= 500;
}

/**
 * A copy of `error` whose ErrorInfo metadata also holds `metadata` (the request id, say). Only
 * ErrorInfos this service built are changed: withErrorInfo/toConnectError give every error one.
 */
export function withErrorMetadata(
  error: ConnectError,
  metadata: Record<string, string>,
): ConnectError {
  const copy = new ConnectError(error.rawMessage, error.code, error.metadata, [], error.cause);
  for (const detail of error.details) {
    if ("desc" in detail && detail.desc.typeName === ErrorInfoSchema.typeName) {
      const value = detail.value as ErrorInfoInit;
      copy.details.push({
        desc: ErrorInfoSchema,
        value: { ...value, metadata: { ...value.metadata, ...metadata } },
      });
    } else {
      copy.details.push(detail);
    }
  }
  return copy;
}

/**
 * A call's signal was aborted by the client: the connection closed or the stream was reset.
 * Deadlines (DeadlineExceeded) and shutdown (a DomainError) abort it too, for other reasons.
 */
export function clientWentAway(signal: AbortSignal): boolean {
  if (!signal.aborted) return false;
  const reason: unknown = signal.reason;
  if (DomainError.is(reason)) return false;
  return !(reason instanceof ConnectError && reason.code === Code.DeadlineExceeded);
}

type ErrorInfoInit = MessageInitShape<typeof ErrorInfoSchema>;

function errorInfoDetail(init: Omit<ErrorInfoInit, "domain">) {
  return { desc: ErrorInfoSchema, value: { ...init, domain: errorDomain } };
}

export function hasErrorInfo(error: ConnectError): boolean {
  return error.details.some(
    (detail) =>
      ("desc" in detail ? detail.desc.typeName : detail.type) === ErrorInfoSchema.typeName,
  );
}

/**
 * A copy of `error` with an ErrorInfo derived from its code, unless it has one already.
 * Malformed requests Connect reports with a server code become InvalidArgument here.
 */
export function withErrorInfo(error: ConnectError, metadata: Record<string, string> = {}) {
  if (hasErrorInfo(error)) return error;
  const code = isMalformedRequest(error) ? Code.InvalidArgument : error.code;
  // Decoder messages quote the refused value, which can be most of the request.
  const message = shortened(error.rawMessage);
  const copy = new ConnectError(message, code, error.metadata, [], error.cause);
  const fieldViolations =
    code === Code.InvalidArgument
      ? [{ field: protocolField(error.rawMessage), description: message }]
      : [];
  copy.details.push(
    ...error.details,
    errorInfoDetail({ reason: reasonForCode(code), metadata, fieldViolations }),
  );
  return copy;
}

const maxMessageLength = 500;

function shortened(message: string): string {
  return message.length <= maxMessageLength ? message : `${message.slice(0, maxMessageLength)}…`;
}

/**
 * Connect reports some malformed requests with a server code: undecodable protobuf as
 * Internal ("parse binary: ..."), a request without its message, or with two for a unary
 * call, as Unimplemented or Internal ("protocol error: ..."). They are the client's fault.
 * (A frame flagged compressed without an encoding stays Internal, as gRPC prescribes.)
 */
function isMalformedRequest(error: ConnectError): boolean {
  if (error.code !== Code.Internal && error.code !== Code.Unimplemented) return false;
  return (
    error.rawMessage.startsWith("parse binary:") || error.rawMessage.startsWith("protocol error:")
  );
}

/**
 * The field a request refused by the protocol layer got wrong, so that every INVALID_ARGUMENT
 * names one: the message field protobuf's JSON decoder names ("cannot decode field
 * pkg.Request.include_revoked from JSON"), the timeout header, the content type or method, and
 * otherwise the body as a whole.
 */
function protocolField(message: string): string {
  const field = /cannot decode field [\w.]*?\.(\w+) from JSON/.exec(message)?.[1];
  if (field !== undefined) return field;
  if (/grpc timeout/.test(message)) return "grpc-timeout";
  if (/connect timeout|timeout \d+ms/.test(message)) return "timeout";
  if (/content-type/i.test(message)) return "content-type";
  if (/HTTP method/.test(message)) return "method";
  if (/connect-protocol-version/.test(message)) return "connect-protocol-version";
  return "body";
}

/**
 * Converts anything thrown below the transport into the ConnectError the client receives.
 * DomainErrors keep their message, reason, metadata and field violations; ConnectErrors pass
 * through with an ErrorInfo added; anything else becomes a bare Internal error, so no
 * internals reach the client (the caller logs the cause).
 */
export function toConnectError(thrown: unknown, traceId?: string): ConnectError {
  if (DomainError.is(thrown)) {
    const code = codeForKind(thrown.kind);
    const internal = code === Code.Internal;
    const metadata = internal ? traceMetadata(traceId) : thrown.metadata;
    return new ConnectError(
      internal ? "internal error" : thrown.message,
      code,
      undefined,
      [
        errorInfoDetail({
          reason: thrown.reason,
          metadata,
          fieldViolations: thrown.violations.map((v) => ({
            field: v.field,
            description: v.description,
            nodeId: v.nodeId ?? "",
          })),
        }),
      ],
      thrown,
    );
  }
  if (thrown instanceof ConnectError) {
    const error = withErrorInfo(thrown);
    return error.code === Code.Internal && !hasErrorInfo(thrown)
      ? withErrorInfo(thrown, traceMetadata(traceId))
      : error;
  }
  return new ConnectError(
    "internal error",
    Code.Internal,
    undefined,
    [errorInfoDetail({ reason: "INTERNAL_ERROR", metadata: traceMetadata(traceId) })],
    thrown,
  );
}

function traceMetadata(traceId: string | undefined): Record<string, string> {
  return traceId === undefined ? {} : { trace_id: traceId };
}
