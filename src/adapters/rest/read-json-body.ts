import { DomainError } from "../../domain/errors.js";
import { isJsonObject, type JsonObject } from "../../domain/json.js";
import { checkBodyDepth } from "./body-depth.js";
import type { RestRequest } from "./http-types.js";

function payloadTooLarge(maxBytes: number): DomainError {
  return new DomainError(
    "limit_exceeded",
    "PAYLOAD_TOO_LARGE",
    `request body is larger than ${maxBytes} bytes`,
    { metadata: { limit: String(maxBytes) } },
  );
}

/**
 * Reads the body as a JSON object; an empty body is `{}`. Malformed JSON and non-objects are
 * BAD_REQUEST; more than `maxBytes` is PAYLOAD_TOO_LARGE (see readBodyBytes).
 */
export async function readJsonBody(req: RestRequest, maxBytes: number): Promise<JsonObject> {
  const body = await readBodyBytes(req, maxBytes);
  return parseJsonObject(body.toString("utf8"));
}

/**
 * Reads the whole body; more than `maxBytes` (declared or sent) is PAYLOAD_TOO_LARGE, answered
 * without reading the rest. Listeners rather than `for await`: leaving an async iterator early
 * destroys the request, and with it the socket (HTTP/1.1) or the stream (HTTP/2) the answer
 * must use.
 */
export function readBodyBytes(req: RestRequest, maxBytes: number): Promise<Buffer> {
  const declared = Number(req.headers["content-length"]);
  if (Number.isFinite(declared) && declared > maxBytes) {
    return Promise.reject(payloadTooLarge(maxBytes));
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const cleanup = () => {
      req.off("data", onData);
      req.off("end", onEnd);
      req.off("error", onError);
      req.off("close", onClose);
    };
    const onData = (chunk: Buffer | string) => {
      const buffer = typeof chunk === "string" ? Buffer.from(chunk) : chunk;
      size += buffer.length;
      if (size > maxBytes) {
        cleanup();
        req.pause();
        reject(payloadTooLarge(maxBytes));
        return;
      }
      chunks.push(buffer);
    };
    const onEnd = () => {
      cleanup();
      resolve(Buffer.concat(chunks));
    };
    const onError = (error: Error) => {
      cleanup();
      reject(error);
    };
    // An HTTP/2 stream the client resets closes the request without an error or an end.
    const onClose = () => {
      cleanup();
      reject(new Error("the client closed the request before sending its body"));
    };
    req.on("data", onData);
    req.on("end", onEnd);
    req.on("error", onError);
    req.on("close", onClose);
  });
}

export function parseJsonObject(text: string): JsonObject {
  if (text.trim() === "") return {};
  checkBodyDepth(text);
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw DomainError.badRequest("request body is not valid JSON", [
      { field: "body", description: error instanceof Error ? error.message : "malformed JSON" },
    ]);
  }
  if (!isJsonObject(parsed)) {
    throw DomainError.badRequest("request body must be a JSON object", [
      { field: "body", description: "expected a JSON object" },
    ]);
  }
  return parsed;
}
