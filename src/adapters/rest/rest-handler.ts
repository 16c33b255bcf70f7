import { randomUUID } from "node:crypto";
import type { WorkflowUseCases } from "../../application/workflow-use-cases.js";
import { DomainError } from "../../domain/errors.js";
import type { JsonObject } from "../../domain/json.js";
import type { Principal } from "../../domain/permissions/principal.js";
import type { Clock } from "../../domain/ports/clock.js";
import type { Logger } from "../../ports/logger.js";
import { errorReply, type RestReply } from "./envelope.js";
import { errorToReply } from "./error-mapping.js";
import { isHttp2, type ResponseSink, type RestRequest, type RestResponse } from "./http-types.js";
import { QueryParams } from "./query-params.js";
import { readJsonBody } from "./read-json-body.js";
import { limitReply } from "./response-limit.js";
import { headerValue, type RequestContext, type Route, type RouteDefinition } from "./route.js";
import { Router } from "./router.js";
import { executionRoutes } from "./routes/execution-routes.js";
import { healthRoutes } from "./routes/health-routes.js";
import { triggerRoutes } from "./routes/trigger-routes.js";
import { workflowRoutes } from "./routes/workflow-routes.js";
import { sendReply } from "./send-reply.js";

interface RestHandlerDeps {
  useCases: WorkflowUseCases;
  /**
   * The principal of an active API key, or null (a thrown DomainError is mapped as usual).
   * Called with "" when the request has no X-API-Key, so the failure is logged in one place.
   */
  authenticate: (apiKey: string) => Promise<Principal | null>;
  logger: Logger;
  /** Largest request body accepted; larger ones are 413 PAYLOAD_TOO_LARGE. */
  maxBodyBytes: number;
  /**
   * Largest answer sent (MAX_RESPONSE_BYTES, as for gRPC); a larger one is replaced by a 413
   * PAYLOAD_TOO_LARGE error, never truncated.
   */
  maxResponseBytes: number;
  /** Reported by the health endpoints. */
  module?: string;
  version?: string;
  clock?: Pick<Clock, "now">;
}

/** Resolves true when the request was a REST request and has been answered. */
export type RestHandler = (req: RestRequest, res: RestResponse) => Promise<boolean>;

/**
 * The REST adapter: `/health` and everything under `/api/v1`, over HTTP/1.1 or the HTTP/2
 * compatibility API. Other paths resolve false untouched, for the next handler (Connect/gRPC).
 */
export function createRestHandler(deps: RestHandlerDeps): RestHandler {
  const router = new Router<Route>();
  for (const definition of restRoutes(deps)) {
    router.add(definition.method, definition.path, definition.route);
  }

  return async (req, res) => {
    const url = requestUrl(req.url);
    if (url === null || !isRestPath(url.pathname)) return false;
    const sink: ResponseSink = res;
    const method = (req.method ?? "GET").toUpperCase();
    const requestId = requestIdOf(req);
    const controller = new AbortController();
    let answered = false;
    sink.once("close", () => {
      if (!answered) controller.abort(new Error("client closed the request"));
    });
    let bodyLeftUnread = false;
    let reply: RestReply;
    try {
      reply = await dispatch(router.match(method, url.pathname), {
        req,
        deps,
        url,
        signal: controller.signal,
        onBodyAbandoned: () => {
          bodyLeftUnread = true;
        },
      });
    } catch (error) {
      if (controller.signal.aborted || clientWentAway(req)) {
        // Nobody is left to answer: not a failure of the service.
        deps.logger.info(
          { method, path: url.pathname, request_id: requestId, reason: messageOf(error) },
          "client closed the request before the answer",
        );
        return true;
      }
      reply = errorToReply(error, deps.logger, { method, path: url.pathname, requestId });
    }
    answered = true;
    if (clientWentAway(req)) {
      deps.logger.info(
        { method, path: url.pathname, request_id: requestId, status: reply.status },
        "client closed the request before the answer",
      );
      return true;
    }
    const encoded = limitReply(reply, deps.maxResponseBytes);
    if (encoded.refusedBytes !== undefined) {
      deps.logger.warn(
        {
          method,
          path: url.pathname,
          status: reply.status,
          response_bytes: encoded.refusedBytes,
          limit: deps.maxResponseBytes,
        },
        "REST answer larger than MAX_RESPONSE_BYTES refused with PAYLOAD_TOO_LARGE",
      );
    }
    sendReply(sink, encoded, bodyLeftUnread && !isHttp2(req));
    return true;
  };
}

/** The REST route table (also what the fuzz suite derives its paths from). */
export function restRoutes(
  deps: Pick<RestHandlerDeps, "useCases" | "module" | "version" | "clock">,
): RouteDefinition[] {
  const info = {
    module: deps.module ?? "workflow_core_module",
    version: deps.version ?? "unknown",
  };
  return [
    ...healthRoutes(info, deps.clock ?? { now: () => Date.now() }),
    ...workflowRoutes(deps.useCases),
    ...executionRoutes(deps.useCases),
    ...triggerRoutes(deps.useCases),
  ];
}

interface DispatchInput {
  req: RestRequest;
  deps: RestHandlerDeps;
  url: URL;
  signal: AbortSignal;
  onBodyAbandoned: () => void;
}

async function dispatch(
  match: ReturnType<Router<Route>["match"]>,
  { req, deps, url, signal, onBodyAbandoned }: DispatchInput,
): Promise<RestReply> {
  if (match.kind === "not_found") {
    throw DomainError.notFound(`no endpoint ${req.method ?? "GET"} ${url.pathname}`);
  }
  if (match.kind === "method_not_allowed") {
    return errorReply(
      405,
      "METHOD_NOT_ALLOWED",
      `${req.method ?? "GET"} is not allowed on ${url.pathname}`,
      { allowed_methods: match.allowed },
      { allow: match.allowed.join(", ") },
    );
  }
  let body: Promise<JsonObject> | null = null;
  const ctx: RequestContext = {
    params: match.params,
    query: new QueryParams(url.searchParams),
    headers: req.headers,
    signal,
    body() {
      body ??= readJsonBody(req, deps.maxBodyBytes).catch((error: unknown) => {
        if (DomainError.is(error) && error.reason === "PAYLOAD_TOO_LARGE") onBodyAbandoned();
        throw error;
      });
      return body;
    },
  };
  const { route } = match;
  if (!route.auth) return route.handle(ctx);
  const principal = await authenticate(req, deps);
  return route.handle(ctx, principal);
}

/** A missing key is passed on as "", so the authenticator logs that failure like the others. */
async function authenticate(req: RestRequest, deps: RestHandlerDeps): Promise<Principal> {
  const key = headerValue(req.headers, "x-api-key");
  const principal = await deps.authenticate(key ?? "");
  if (principal === null) {
    throw new DomainError(
      "unauthenticated",
      "UNAUTHORIZED",
      key === undefined ? "missing API key (X-API-Key)" : "invalid or revoked API key",
    );
  }
  return principal;
}

/** The port gives every request an id in this header (accepted from the client or made). */
export function requestIdOf(req: RestRequest): string {
  return headerValue(req.headers, "x-request-id") ?? randomUUID();
}

/**
 * The client closed the connection (HTTP/1.1) or reset the stream (HTTP/2) before the answer.
 * (A reset HTTP/2 stream ends the request body as if it were complete.)
 */
function clientWentAway(req: RestRequest): boolean {
  return "stream" in req ? req.stream.closed || req.stream.destroyed : req.aborted;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function requestUrl(raw: string | undefined): URL | null {
  try {
    const url = new URL(raw ?? "/", "http://localhost");
    // One trailing slash is forgiven: /api/v1/workflows/ is /api/v1/workflows.
    if (url.pathname.length > 1 && url.pathname.endsWith("/")) {
      url.pathname = url.pathname.slice(0, -1);
    }
    return url;
  } catch {
    return null;
  }
}

function isRestPath(pathname: string): boolean {
  return pathname === "/health" || pathname === "/api/v1" || pathname.startsWith("/api/v1/");
}
