import { DomainError } from "../../domain/errors.js";
import type { JsonObject } from "../../domain/json.js";
import { errorReply, type RestReply } from "./envelope.js";
import { errorDetails, httpStatusOf } from "./error-mapping.js";

/** A reply and its JSON text, as it goes on the wire. */
export interface EncodedReply {
  reply: RestReply;
  payload: string;
}

interface LimitedReply extends EncodedReply {
  /** Set when the original answer was refused: its size in bytes (null: too large to encode). */
  refusedBytes?: number | null;
}

/**
 * The reply as JSON, unless its JSON is larger than `maxBytes` (MAX_RESPONSE_BYTES, the limit
 * gRPC and Connect answers obey as Connect's writeMaxBytes). A larger answer is never cut: it is
 * replaced by the PAYLOAD_TOO_LARGE error gRPC answers in the same case (ResourceExhausted with
 * that reason), as 413 through the one error table, with `details.limit` and
 * `details.response_bytes`. A route may add a hint and small details (`reply.whenTooLarge`),
 * such as a test run's outcome without its trace; the details are left out if even they do not
 * fit, and the message says so only when they are there.
 */
export function limitReply(reply: RestReply, maxBytes: number): LimitedReply {
  const payload = encode(reply);
  if (payload !== null && Buffer.byteLength(payload) <= maxBytes) return { reply, payload };
  const bytes = payload === null ? null : Buffer.byteLength(payload);
  const { hint, details } = reply.whenTooLarge ?? {};
  if (details !== undefined) {
    const detailed = refusal(responseTooLarge(bytes, maxBytes, hint, details.note), details.value);
    const detailedPayload = encode(detailed);
    if (detailedPayload !== null && Buffer.byteLength(detailedPayload) <= maxBytes) {
      return { reply: detailed, payload: detailedPayload, refusedBytes: bytes };
    }
  }
  const bare = refusal(responseTooLarge(bytes, maxBytes, hint), {});
  return { reply: bare, payload: encode(bare) ?? "", refusedBytes: bytes };
}

/** The refusal: what was too large, the limit, how to get an answer (`hint`), a `note`. */
function responseTooLarge(
  bytes: number | null,
  maxBytes: number,
  hint = "ask for less, or raise MAX_RESPONSE_BYTES",
  note?: string,
): DomainError {
  const size = bytes === null ? "too large to encode" : `${bytes} bytes`;
  return new DomainError(
    "limit_exceeded",
    "PAYLOAD_TOO_LARGE",
    `the answer (${size}) is larger than the response limit of ${maxBytes} bytes ` +
      `(MAX_RESPONSE_BYTES), so it was not sent: ${hint}${note === undefined ? "" : `. ${note}`}`,
    {
      metadata: {
        limit: String(maxBytes),
        ...(bytes === null ? {} : { response_bytes: String(bytes) }),
      },
    },
  );
}

function refusal(error: DomainError, extra: JsonObject): RestReply {
  return errorReply(httpStatusOf(error), error.reason, error.message, {
    ...errorDetails(error),
    ...extra,
  });
}

/** JSON.stringify, or null when the text would exceed what a string can hold. */
function encode(reply: RestReply): string | null {
  try {
    return JSON.stringify(reply.body);
  } catch (error) {
    if (error instanceof RangeError) return null;
    throw error;
  }
}
