import { ContainerModule } from "inversify";
import { HealthStatus } from "../adapters/grpc/health/health-status.js";
import { createRpcHandler } from "../adapters/grpc/rpc-handler.js";
import type { NodeRequestHandler } from "../adapters/grpc/server/one-port-server.js";
import { CreateApiKey } from "../application/api-keys/create-api-key.js";
import { ListApiKeys } from "../application/api-keys/list-api-keys.js";
import { RevokeApiKey } from "../application/api-keys/revoke-api-key.js";
import { AuthenticateApiKey } from "../application/auth/authenticate-api-key.js";
import { HttpFallbacks } from "./http-fallbacks.module.js";
import { Tokens, token } from "./tokens.js";

/** gRPC, gRPC-Web and Connect for every service, then the HTTP fallbacks. */
export const RpcHandler = token<NodeRequestHandler>("RpcHandler");

/**
 * The RPC transport: health state and the request handler for the port. `shutdownSignal` is
 * aborted when shutdown begins (streams end).
 */
export function grpcModule(shutdownSignal: AbortSignal) {
  return new ContainerModule(({ bind }) => {
    bind(HealthStatus).toConstantValue(new HealthStatus());
    bind(RpcHandler).toDynamicValue(({ get }) => {
      const { server } = get(Tokens.Config);
      return createRpcHandler({
        useCases: {
          createApiKey: get(CreateApiKey),
          listApiKeys: get(ListApiKeys),
          revokeApiKey: get(RevokeApiKey),
          workflows: get(Tokens.WorkflowUseCases),
        },
        authenticator: get(AuthenticateApiKey),
        health: get(HealthStatus),
        logger: get(Tokens.Logger),
        tracer: get(Tokens.Tracer),
        meter: get(Tokens.Meter),
        maxRequestBytes: server.maxRequestBytes,
        maxResponseBytes: server.maxResponseBytes,
        maxRpcTimeoutMs: server.maxRpcTimeoutMs,
        shutdownSignal,
        fallbacks: get(HttpFallbacks),
      });
    });
  });
}
