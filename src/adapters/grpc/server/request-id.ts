import { randomUUID } from "node:crypto";
import type { IncomingHttpHeaders } from "node:http";

/** The request and response header that carries a request's id. */
export const requestIdHeader = "x-request-id";

/** What a client may send as its own id: a UUID, a ULID, a trace id, `req-42`... */
const wellFormed = /^[A-Za-z0-9][\w.:+/=-]{0,127}$/;

/**
 * Gives the request its id: the client's `x-request-id` when it is well-formed (one value,
 * 1 to 128 characters of letters, digits and `_.:+/=-`), else a fresh UUID. The id replaces
 * the incoming header, so every handler behind the port (REST, Connect, gRPC) reads the same
 * accepted id from `x-request-id`, and it is set on the response before any handler writes
 * its head, so every answer of every protocol carries it.
 */
export function assignRequestId(
  req: { headers: IncomingHttpHeaders },
  res: { setHeader(name: string, value: string): unknown },
): string {
  const sent = req.headers[requestIdHeader];
  const id = typeof sent === "string" && wellFormed.test(sent) ? sent : randomUUID();
  req.headers[requestIdHeader] = id;
  res.setHeader(requestIdHeader, id);
  return id;
}
