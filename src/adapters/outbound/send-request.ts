import type { Dispatcher } from "undici";
import type { ActionResponse } from "../../domain/ports/action-gateway.js";
import { OutboundErrors } from "./outbound-errors.js";
import { readResponse } from "./read-response.js";

export interface OutboundRequest {
  url: URL;
  method: "GET" | "POST" | "PUT" | "PATCH" | "DELETE";
  /** Lower-case names. */
  headers: Record<string, string>;
  body: string | null;
}

interface RedirectPolicy {
  max: number;
  /** Throws when a hop's URL may not be requested; called before every hop, the first too. */
  check(url: URL): void;
}

interface SendOptions {
  dispatcher: Dispatcher;
  signal: AbortSignal;
  /** Names the call in error messages, e.g. "webhook to example.com". */
  target: string;
  maxResponseBytes: number;
  /** null: a 3xx is returned as the answer. */
  redirects: RedirectPolicy | null;
}

const redirectStatuses = new Set([301, 302, 303, 307, 308]);

/** Headers that survive a redirect to another origin; credentials and custom headers do not. */
const crossOriginHeaders = new Set([
  "accept",
  "accept-language",
  "content-language",
  "content-type",
  "user-agent",
]);

/** One exchange, following redirects manually so that every hop passes `redirects.check`. */
export async function sendRequest(
  request: OutboundRequest,
  options: SendOptions,
): Promise<ActionResponse> {
  let current = request;
  for (let followed = 0; ; followed++) {
    options.redirects?.check(current.url);
    const response = await dispatch(current, options);
    const location = options.redirects ? redirectTarget(response, current.url) : null;
    if (location === null) {
      try {
        return await readResponse(response, options.maxResponseBytes, options.target);
      } catch (error) {
        throw OutboundErrors.fromTransport(options.target, error);
      }
    }
    await response.body.dump().catch(() => undefined);
    if (followed >= (options.redirects?.max ?? 0)) {
      throw OutboundErrors.tooManyRedirects(options.target, options.redirects?.max ?? 0);
    }
    current = nextHop(current, response.statusCode, location);
  }
}

async function dispatch(
  request: OutboundRequest,
  options: SendOptions,
): Promise<Dispatcher.ResponseData> {
  try {
    return await options.dispatcher.request({
      origin: request.url.origin,
      path: `${request.url.pathname}${request.url.search}`,
      method: request.method,
      headers: request.headers,
      body: request.body,
      signal: options.signal,
    });
  } catch (error) {
    throw OutboundErrors.fromTransport(options.target, error);
  }
}

/** The next URL for a followable redirect, or null when the response is the answer. */
function redirectTarget(response: Dispatcher.ResponseData, base: URL): URL | null {
  if (!redirectStatuses.has(response.statusCode)) return null;
  const location = response.headers.location;
  if (typeof location !== "string") return null;
  try {
    return new URL(location, base);
  } catch {
    return null;
  }
}

/** Fetch-standard method rewriting: 303, and 301/302 after POST, continue as a bodiless GET. */
function nextHop(previous: OutboundRequest, status: number, url: URL): OutboundRequest {
  const toGet =
    status === 303 || ((status === 301 || status === 302) && previous.method === "POST");
  const headers: Record<string, string> = {};
  const sameOrigin = url.origin === previous.url.origin;
  for (const [name, value] of Object.entries(previous.headers)) {
    if (toGet && name === "content-type") continue;
    if (sameOrigin || crossOriginHeaders.has(name)) headers[name] = value;
  }
  return {
    url,
    method: toGet ? "GET" : previous.method,
    headers,
    body: toGet ? null : previous.body,
  };
}
