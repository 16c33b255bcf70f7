import type { Dispatcher } from "undici";
import type { JsonValue } from "../../domain/json.js";
import type { ActionResponse } from "../../domain/ports/action-gateway.js";
import { OutboundErrors } from "./outbound-errors.js";

/**
 * Reads the whole body, refusing more than `maxBytes` (declared by Content-Length or actually
 * received): the stream is destroyed, which closes the connection, and a PAYLOAD_TOO_LARGE
 * DomainError is thrown. A truncated body would be a silently wrong answer.
 */
export async function readResponse(
  response: Dispatcher.ResponseData,
  maxBytes: number,
  target: string,
): Promise<ActionResponse> {
  const headers = flattenHeaders(response.headers);
  const declared = Number(headers["content-length"] ?? Number.NaN);
  if (declared > maxBytes) {
    response.body.destroy();
    throw OutboundErrors.responseTooLarge(target, maxBytes);
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of response.body as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > maxBytes) {
      response.body.destroy();
      throw OutboundErrors.responseTooLarge(target, maxBytes);
    }
    chunks.push(chunk);
  }
  const text = new TextDecoder().decode(Buffer.concat(chunks, size));
  return { status: response.statusCode, headers, body: parseBody(text, headers["content-type"]) };
}

/** Multi-valued headers are joined with ", " (RFC 9110 §5.3). Names are lower case. */
function flattenHeaders(
  headers: Record<string, string | string[] | undefined>,
): Record<string, string> {
  const flat: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined) continue;
    flat[name.toLowerCase()] = Array.isArray(value) ? value.join(", ") : value;
  }
  return flat;
}

/** JSON when the content type says so and the text parses; otherwise the text as-is. */
function parseBody(text: string, contentType: string | undefined): JsonValue {
  if (!isJsonContentType(contentType)) return text;
  try {
    return JSON.parse(text) as JsonValue;
  } catch {
    return text;
  }
}

function isJsonContentType(contentType: string | undefined): boolean {
  const mime = (contentType ?? "").split(";")[0]?.trim().toLowerCase() ?? "";
  return mime === "application/json" || (mime.startsWith("application/") && mime.endsWith("+json"));
}
