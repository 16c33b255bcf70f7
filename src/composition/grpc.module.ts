import { ContainerModule } from "inversify";
import { HealthStatus } from "../adapters/grpc/health/health-status.js";
import { createRpcHandler } from "../adapters/grpc/rpc-handler.js";
import { Tokens } from "./tokens.js";

/** The RPC transport: health state and the request handler for the port. */
export const grpcModule = new ContainerModule(({ bind }) => {
  bind(Tokens.HealthStatus).toConstantValue(new HealthStatus());
  bind(Tokens.RpcHandler).toResolvedValue(
    (config, useCases, authenticator, health, logger, tracer, meter, shutdownSignal, fallbacks) =>
      createRpcHandler({
        useCases,
        authenticator,
        health,
        logger,
        tracer,
        meter,
        maxRequestBytes: config.server.maxRequestBytes,
        maxResponseBytes: config.server.maxResponseBytes,
        maxRpcTimeoutMs: config.server.maxRpcTimeoutMs,
        shutdownSignal,
        fallbacks,
      }),
    [
      Tokens.Config,
      Tokens.UseCases,
      Tokens.AuthenticateApiKey,
      Tokens.HealthStatus,
      Tokens.Logger,
      Tokens.Tracer,
      Tokens.Meter,
      Tokens.ShutdownSignal,
      Tokens.HttpFallbacks,
    ],
  );
});
