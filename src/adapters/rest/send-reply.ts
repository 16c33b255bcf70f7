import type { OutgoingHttpHeaders } from "node:http";
import type { RestReply } from "./envelope.js";
import type { ResponseSink } from "./http-types.js";

/**
 * Writes a reply as JSON. `closeConnection` asks an HTTP/1.1 client to reconnect (after a
 * body left unread); HTTP/2 forbids connection headers, and its stream ends with the answer.
 */
export function sendReply(res: ResponseSink, reply: RestReply, closeConnection: boolean): void {
  if (res.headersSent || res.writableEnded) return;
  const payload = JSON.stringify(reply.body);
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
