import type { OutgoingHttpHeaders } from "node:http";
import type { ResponseSink } from "./http-types.js";
import type { EncodedReply } from "./response-limit.js";

/**
 * Writes a reply, already encoded as JSON (within the response limit). `closeConnection` asks
 * an HTTP/1.1 client to reconnect (after a body left unread); HTTP/2 forbids connection headers,
 * and its stream ends with the answer.
 */
export function sendReply(
  res: ResponseSink,
  { reply, payload }: EncodedReply,
  closeConnection: boolean,
): void {
  if (res.headersSent || res.writableEnded) return;
  const headers: OutgoingHttpHeaders = {
    "content-type": "application/json; charset=utf-8",
    "content-length": Buffer.byteLength(payload),
    "cache-control": "no-store",
    "x-content-type-options": "nosniff",
    ...reply.headers,
  };
  if (closeConnection) headers.connection = "close";
  res.writeHead(reply.status, headers);
  res.end(payload);
}
