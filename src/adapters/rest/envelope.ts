import type { JsonObject, JsonValue } from "../../domain/json.js";

/** The quick reference's success envelope. */
interface SuccessBody {
  success: true;
  message?: string;
  data: JsonValue;
  meta?: JsonObject;
}

/** The quick reference's error envelope (flat, with `error_code`). */
interface ErrorBody {
  success: false;
  message: string;
  error_code: string;
  details: JsonObject;
}

/** What a route answers: a status and a body (an envelope, or plain JSON for GET /health). */
export interface RestReply {
  status: number;
  body: SuccessBody | ErrorBody | JsonObject;
  headers?: Record<string, string>;
  /**
   * When the body is larger than MAX_RESPONSE_BYTES it is refused (response-limit.ts): `hint`
   * says how to get an answer, `details` (explained by `note`) go in the refusal if they fit.
   */
  whenTooLarge?: { hint?: string; details?: { value: JsonObject; note: string } };
}

export function ok(
  data: JsonValue,
  options: { status?: number; message?: string; meta?: JsonObject } = {},
): RestReply {
  const body: SuccessBody = { success: true, data };
  if (options.message !== undefined) body.message = options.message;
  if (options.meta !== undefined) body.meta = options.meta;
  return { status: options.status ?? 200, body: orderEnvelope(body) };
}

/** success, message, data, meta: the order the quick reference prints them in. */
function orderEnvelope(body: SuccessBody): SuccessBody {
  return {
    success: true,
    ...(body.message === undefined ? {} : { message: body.message }),
    data: body.data,
    ...(body.meta === undefined ? {} : { meta: body.meta }),
  };
}

export function errorReply(
  status: number,
  errorCode: string,
  message: string,
  details: JsonObject = {},
  headers?: Record<string, string>,
): RestReply {
  const body: ErrorBody = { success: false, message, error_code: errorCode, details };
  return headers === undefined ? { status, body } : { status, body, headers };
}
