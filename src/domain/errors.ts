/**
 * The one error class of the service. `kind` decides the transport status code (one table in
 * each transport adapter); `reason` is the machine-readable code clients see (quick reference
 * error codes plus a few of ours).
 */
export type DomainErrorKind =
  | "invalid_argument"
  | "not_found"
  | "already_exists"
  | "failed_precondition"
  | "conflict"
  | "permission_denied"
  | "unauthenticated"
  | "limit_exceeded"
  | "deadline_exceeded"
  | "unavailable"
  | "internal";

export type ErrorReason =
  | "BAD_REQUEST"
  | "UNAUTHORIZED"
  | "PERMISSION_DENIED"
  | "WORKFLOW_NOT_FOUND"
  | "EXECUTION_ERROR"
  | "EXECUTION_TIMEOUT"
  | "INTERNAL_ERROR"
  | "NOT_FOUND"
  | "FAILED_PRECONDITION"
  | "ALREADY_EXISTS"
  | "CONFLICT"
  | "OPERATION_LIMIT_EXCEEDED"
  | "LOOP_LIMIT_EXCEEDED"
  | "LOOP_DEPTH_EXCEEDED"
  | "PAYLOAD_TOO_LARGE"
  | "CPU_LIMIT_EXCEEDED"
  | "UNAVAILABLE"
  | "COOLDOWN"
  | "RATE_LIMITED"
  | "COMMUNITY_STOPPED"
  | "WEBHOOK_NOT_FOUND"
  | "IP_NOT_ALLOWED"
  | "SIGNATURE_REQUIRED"
  | "SIGNATURE_INVALID"
  | "TIMESTAMP_OUT_OF_RANGE"
  | "REPLAYED_DELIVERY"
  | "INVALID_JSON";

export interface FieldViolation {
  field: string;
  description: string;
  nodeId?: string;
}

interface DomainErrorOptions {
  metadata?: Record<string, string>;
  violations?: FieldViolation[];
  cause?: unknown;
}

const brand = Symbol.for("waddlebot.workflow.DomainError");

export class DomainError extends Error {
  override readonly name = "DomainError";
  readonly kind: DomainErrorKind;
  readonly reason: ErrorReason;
  readonly metadata: Record<string, string>;
  readonly violations: FieldViolation[];
  readonly [brand] = true;

  constructor(
    kind: DomainErrorKind,
    reason: ErrorReason,
    message: string,
    options: DomainErrorOptions = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.kind = kind;
    this.reason = reason;
    this.metadata = options.metadata ?? {};
    this.violations = options.violations ?? [];
  }

  /** Works across duplicate copies of this module, unlike instanceof. */
  static is(value: unknown): value is DomainError {
    return typeof value === "object" && value !== null && brand in value;
  }

  static badRequest(message: string, violations: FieldViolation[] = []): DomainError {
    return new DomainError("invalid_argument", "BAD_REQUEST", message, { violations });
  }

  static notFound(message: string, metadata: Record<string, string> = {}): DomainError {
    return new DomainError("not_found", "NOT_FOUND", message, { metadata });
  }

  static workflowNotFound(workflowId: string): DomainError {
    return new DomainError("not_found", "WORKFLOW_NOT_FOUND", `workflow ${workflowId} not found`, {
      metadata: { workflow_id: workflowId },
    });
  }

  static permissionDenied(message: string, metadata: Record<string, string> = {}): DomainError {
    return new DomainError("permission_denied", "PERMISSION_DENIED", message, { metadata });
  }
}
