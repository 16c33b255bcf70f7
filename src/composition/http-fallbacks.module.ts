import type { IncomingMessage, ServerResponse } from "node:http";
import { ContainerModule } from "inversify";
import type { HttpFallback } from "../adapters/grpc/unknown-route.js";
import { createRestHandler } from "../adapters/rest/rest-handler.js";
import type { Telemetry } from "../adapters/telemetry/sdk.js";
import { Tokens } from "./tokens.js";

const packageVersion = "0.1.0";

/**
 * What the port answers besides RPCs, in order: GET /metrics (when metrics are on and have no
 * port of their own), the REST API (/health and /api/v1), then `extra`.
 */
export function httpFallbacksModule(
  metricsHandler: Telemetry["metricsHandler"],
  extra: HttpFallback[],
) {
  return new ContainerModule(({ bind }) => {
    bind(Tokens.HttpFallbacks).toResolvedValue(
      (config, useCases, authenticator, logger, clock) => [
        ...(metricsHandler === null ? [] : [metricsFallback(metricsHandler)]),
        createRestHandler({
          useCases,
          authenticate: (apiKey) => authenticator.execute(apiKey, "rest_api"),
          logger,
          maxBodyBytes: config.server.maxRequestBytes,
          maxResponseBytes: config.server.maxResponseBytes,
          version: packageVersion,
          clock,
        }),
        ...extra,
      ],
      [
        Tokens.Config,
        Tokens.WorkflowUseCases,
        Tokens.AuthenticateApiKey,
        Tokens.Logger,
        Tokens.Clock,
      ],
    );
  });
}

function metricsFallback(handler: NonNullable<Telemetry["metricsHandler"]>): HttpFallback {
  return (req, res) => {
    if (req.method !== "GET" || (req.url ?? "").split("?", 1)[0] !== "/metrics") return false;
    // The exporter writes through the API both response classes share.
    handler(req as IncomingMessage, res as ServerResponse);
    return true;
  };
}
