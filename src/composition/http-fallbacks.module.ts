import type { IncomingMessage, ServerResponse } from "node:http";
import { ContainerModule } from "inversify";
import type { HttpFallback } from "../adapters/grpc/unknown-route.js";
import { createRestHandler } from "../adapters/rest/rest-handler.js";
import { createWebhookHandler } from "../adapters/rest/webhook-handler.js";
import type { Telemetry } from "../adapters/telemetry/sdk.js";
import { AuthenticateApiKey } from "../application/auth/authenticate-api-key.js";
import { ReceiveWebhook } from "../application/triggers/receive-webhook.js";
import { maxWebhookBodyBytes } from "../domain/workflow/node-types/trigger-webhook.js";
import { Tokens, token } from "./tokens.js";

const packageVersion = "0.1.0";

/** Handlers for non-RPC paths (/metrics, REST), tried in order before the JSON 404. */
export const HttpFallbacks = token<HttpFallback[]>("HttpFallbacks");

/**
 * What the port answers besides RPCs, in order: GET /metrics (when metrics are on and have no
 * port of their own), the REST API (/health and /api/v1), then `extra`.
 */
export function httpFallbacksModule(
  metricsHandler: Telemetry["metricsHandler"],
  extra: HttpFallback[],
) {
  return new ContainerModule(({ bind }) => {
    bind(HttpFallbacks).toDynamicValue(({ get }) => {
      const { server } = get(Tokens.Config);
      const authenticator = get(AuthenticateApiKey);
      return [
        ...(metricsHandler === null ? [] : [metricsFallback(metricsHandler)]),
        createRestHandler({
          useCases: get(Tokens.WorkflowUseCases),
          authenticate: (apiKey) => authenticator.execute(apiKey, "rest_api"),
          logger: get(Tokens.Logger),
          maxBodyBytes: server.maxRequestBytes,
          maxResponseBytes: server.maxResponseBytes,
          version: packageVersion,
          clock: get(Tokens.Clock),
        }),
        createWebhookHandler({
          receive: get(ReceiveWebhook),
          logger: get(Tokens.Logger),
          maxBodyBytes: Math.min(server.maxRequestBytes, maxWebhookBodyBytes),
        }),
        ...extra,
      ];
    });
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
