import type { IncomingHttpHeaders } from "node:http";
import type { JsonObject } from "../../domain/json.js";
import type { Principal } from "../../domain/permissions/principal.js";
import type { RestReply } from "./envelope.js";
import type { QueryParams } from "./query-params.js";

/** What a route handler sees of the request. */
export interface RequestContext {
  params: Record<string, string>;
  query: QueryParams;
  headers: IncomingHttpHeaders;
  /** The JSON body (`{}` when empty); read on first call, within the size limit. */
  body(): Promise<JsonObject>;
  /** Aborted when the client goes away before the answer. */
  signal: AbortSignal;
}

export type Route =
  | { auth: false; handle: (ctx: RequestContext) => Promise<RestReply> }
  | { auth: true; handle: (ctx: RequestContext, principal: Principal) => Promise<RestReply> };

export interface RouteDefinition {
  method: "GET" | "POST" | "PUT" | "DELETE";
  path: string;
  route: Route;
}

/** A single-valued header (repeated ones are joined by Node; arrays take the first). */
export function headerValue(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name];
  const first = Array.isArray(value) ? value[0] : value;
  return first === undefined || first.trim() === "" ? undefined : first.trim();
}
