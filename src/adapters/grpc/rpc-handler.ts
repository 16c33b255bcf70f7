import { createContextValues } from "@connectrpc/connect";
import { connectNodeAdapter } from "@connectrpc/connect-node";
import type { Meter, Tracer } from "@opentelemetry/api";
import type { Logger } from "../../ports/logger.js";
import type { HealthStatus } from "./health/health-status.js";
import { type Authenticator, authenticateInterceptor } from "./interceptors/authenticate.js";
import { mapErrorsInterceptor } from "./interceptors/map-errors.js";
import { telemetryInterceptor } from "./interceptors/telemetry.js";
import { withProtocolErrorInfo } from "./protocol-error-info.js";
import { publicServices, registerRoutes } from "./routes.js";
import type { NodeRequestHandler } from "./server/one-port-server.js";
import { type HttpFallback, unknownRouteHandler } from "./unknown-route.js";
import type { UseCases } from "./use-cases.js";

interface RpcHandlerOptions {
  useCases: UseCases;
  authenticator: Authenticator;
  health: HealthStatus;
  logger: Logger;
  tracer: Tracer;
  meter: Meter;
  maxRequestBytes: number;
  maxResponseBytes: number;
  maxRpcTimeoutMs: number;
  /** Aborted when shutdown begins; streaming handlers see it as ctx.signal. */
  shutdownSignal: AbortSignal;
  /** Tried in order for requests that are not RPCs (REST, /metrics); then a JSON 404. */
  fallbacks: HttpFallback[];
}

/**
 * The request handler for the port: gRPC, gRPC-Web and Connect (JSON and binary) for every
 * registered service, with telemetry, error mapping and authentication applied in that order
 * (outermost first), and an ErrorInfo on every error.
 */
export function createRpcHandler(options: RpcHandlerOptions): NodeRequestHandler {
  return connectNodeAdapter({
    routes(router) {
      registerRoutes(router, options.useCases, options.health);
      router.handlers.forEach((handler, index) => {
        options.health.addService(handler.service.typeName);
        router.handlers[index] = withProtocolErrorInfo(handler, options.logger);
      });
    },
    interceptors: [
      telemetryInterceptor(options.tracer, options.meter),
      mapErrorsInterceptor(options.logger),
      authenticateInterceptor(options.authenticator, publicServices),
    ],
    readMaxBytes: options.maxRequestBytes,
    writeMaxBytes: options.maxResponseBytes,
    maxTimeoutMs: options.maxRpcTimeoutMs,
    shutdownSignal: options.shutdownSignal,
    contextValues: () => createContextValues(),
    fallback: unknownRouteHandler(options.fallbacks, options.logger),
  });
}
