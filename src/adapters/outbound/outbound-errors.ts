import { DomainError } from "../../domain/errors.js";

/**
 * The DomainErrors the outbound adapter throws. Messages and metadata name the host, never the
 * full URL: webhook URLs often carry tokens in their path or query.
 */
export const OutboundErrors = {
  hostNotAllowed(host: string, address: string, range: string): DomainError {
    const why = host === address ? `${range} address` : `it resolves to ${address} (${range})`;
    return new DomainError(
      "permission_denied",
      "PERMISSION_DENIED",
      `host ${host} is not allowed: ${why}; only the outbound allow-list opens such hosts`,
      { metadata: { host, address, range } },
    );
  },

  schemeNotAllowed(scheme: string): DomainError {
    return new DomainError(
      "permission_denied",
      "PERMISSION_DENIED",
      `URL scheme ${scheme} is not allowed: only http and https`,
      { metadata: { scheme } },
    );
  },

  invalidRequest(message: string, cause?: unknown): DomainError {
    return new DomainError("invalid_argument", "BAD_REQUEST", message, { cause });
  },

  timedOut(target: string, timeoutMs: number): DomainError {
    return new DomainError(
      "deadline_exceeded",
      "EXECUTION_TIMEOUT",
      `${target} timed out after ${timeoutMs} ms`,
      { metadata: { timeout_ms: String(timeoutMs) } },
    );
  },

  responseTooLarge(target: string, maxBytes: number): DomainError {
    return new DomainError(
      "limit_exceeded",
      "PAYLOAD_TOO_LARGE",
      `${target} answered with more than ${maxBytes} bytes; the response was discarded`,
      { metadata: { max_response_bytes: String(maxBytes) } },
    );
  },

  tooManyRedirects(target: string, maxRedirects: number): DomainError {
    return new DomainError(
      "failed_precondition",
      "EXECUTION_ERROR",
      `${target} redirected more than ${maxRedirects} times`,
      { metadata: { max_redirects: String(maxRedirects) } },
    );
  },

  /** Maps a transport failure (DNS, connect, reset, undici timeouts) to a DomainError. */
  fromTransport(target: string, error: unknown): DomainError {
    const found = findDomainError(error);
    if (found) return found;
    const code = errorCode(error);
    if (code === "UND_ERR_HEADERS_TIMEOUT" || code === "UND_ERR_BODY_TIMEOUT") {
      return new DomainError("deadline_exceeded", "EXECUTION_TIMEOUT", `${target} timed out`, {
        cause: error,
      });
    }
    if (code === "UND_ERR_INVALID_ARG" || code === "ERR_INVALID_ARG_TYPE") {
      return OutboundErrors.invalidRequest(
        `${target}: invalid request (${messageOf(error)})`,
        error,
      );
    }
    const detail =
      code === null ? messageOf(error) : `${transportCodes[code] ?? "error"} (${code})`;
    return new DomainError("unavailable", "EXECUTION_ERROR", `${target} failed: ${detail}`, {
      metadata: code ? { code } : {},
      cause: error,
    });
  },
};

const transportCodes: Record<string, string> = {
  ENOTFOUND: "host not found",
  EAI_AGAIN: "host lookup failed",
  ECONNREFUSED: "connection refused",
  ECONNRESET: "connection reset",
  EHOSTUNREACH: "host unreachable",
  ENETUNREACH: "network unreachable",
  ETIMEDOUT: "connect timed out",
  UND_ERR_CONNECT_TIMEOUT: "connect timed out",
  UND_ERR_SOCKET: "connection closed",
  UND_ERR_CLOSED: "connection closed",
};

function findDomainError(error: unknown): DomainError | null {
  let current: unknown = error;
  for (let depth = 0; depth < 5 && current !== undefined && current !== null; depth++) {
    if (DomainError.is(current)) return current;
    current = (current as { cause?: unknown }).cause;
  }
  return null;
}

function errorCode(error: unknown): string | null {
  if (typeof error !== "object" || error === null) return null;
  const code = (error as { code?: unknown }).code;
  if (typeof code === "string") return code;
  // Node's happy-eyeballs connect reports an AggregateError of per-address failures.
  const inner = (error as { errors?: unknown }).errors;
  if (Array.isArray(inner)) return errorCode(inner[0]);
  const cause = (error as { cause?: unknown }).cause;
  return cause === undefined ? null : errorCode(cause);
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
