import type { WebhookRequest } from "../../domain/ports/action-gateway.js";
import { OutboundErrors } from "./outbound-errors.js";
import type { OutboundRequest } from "./send-request.js";

/**
 * Headers a workflow may not set: the connection's framing and target belong to the adapter
 * (Host always matches the URL that passed the SSRF check).
 */
const reservedHeaders = new Set([
  "host",
  "content-length",
  "transfer-encoding",
  "connection",
  "keep-alive",
  "upgrade",
  "te",
  "trailer",
  "expect",
  "proxy-connection",
]);

/** Turns a templated webhook node into the first hop's request (the URL is checked per hop). */
export function buildWebhookRequest(request: WebhookRequest, userAgent: string): OutboundRequest {
  let url: URL;
  try {
    url = new URL(request.url);
  } catch (error) {
    throw OutboundErrors.invalidRequest("webhook URL is not a valid absolute URL", error);
  }
  if (url.username !== "" || url.password !== "") {
    throw OutboundErrors.invalidRequest(
      "webhook URL must not contain credentials; send them in a header instead",
    );
  }
  url.hash = "";
  const headers: Record<string, string> = { "user-agent": userAgent };
  for (const [name, value] of Object.entries(request.headers)) {
    const lower = name.toLowerCase();
    if (!reservedHeaders.has(lower)) headers[lower] = value;
  }
  if (request.body !== null && headers["content-type"] === undefined) {
    headers["content-type"] = parsesAsJson(request.body)
      ? "application/json"
      : "text/plain; charset=utf-8";
  }
  return { url, method: request.method, headers, body: request.body };
}

function parsesAsJson(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}
