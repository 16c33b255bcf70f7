import { metrics, trace } from "@opentelemetry/api";
import { ContainerModule } from "inversify";
import type { Logger as Pino } from "pino";
import { PinoLogger } from "../adapters/logging/pino-logger.js";
import { CryptoApiKeySecrets } from "../adapters/system/crypto-api-key-secrets.js";
import { SystemClock } from "../adapters/system/system-clock.js";
import { UuidV7IdGenerator } from "../adapters/system/uuid-v7-id-generator.js";
import type { Config } from "../config.js";
import { Tokens } from "./tokens.js";

/** Configuration, logging, telemetry API handles, clock, ids and secrets. */
export function coreModule(config: Config, pino: Pino) {
  return new ContainerModule(({ bind }) => {
    bind(Tokens.Config).toConstantValue(config);
    bind(Tokens.Logger).toConstantValue(new PinoLogger(pino));
    // The global providers: the SDK's when main started it, else the API's no-ops.
    bind(Tokens.Tracer).toDynamicValue(() => trace.getTracer(config.telemetry.serviceName));
    bind(Tokens.Meter).toDynamicValue(() => metrics.getMeter(config.telemetry.serviceName));
    bind(Tokens.Clock).toConstantValue(new SystemClock());
    bind(Tokens.IdGenerator).toConstantValue(new UuidV7IdGenerator());
    bind(Tokens.ApiKeySecrets).toConstantValue(new CryptoApiKeySecrets());
  });
}
