import type { IncomingMessage, ServerResponse } from "node:http";
import { ContainerModule } from "inversify";
import type { HttpFallback } from "../adapters/grpc/unknown-route.js";
import type { Telemetry } from "../adapters/telemetry/sdk.js";
import { Tokens } from "./tokens.js";

/**
 * What the port answers besides RPCs, in order: GET /metrics (when metrics are on and have no
 * port of their own), then `extra` (the REST adapter goes here).
 */
export function httpFallbacksModule(
  metricsHandler: Telemetry["metricsHandler"],
  extra: HttpFallback[],
) {
  return new ContainerModule(({ bind }) => {
    bind(Tokens.HttpFallbacks).toConstantValue([
      ...(metricsHandler === null ? [] : [metricsFallback(metricsHandler)]),
      ...extra,
    ]);
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
