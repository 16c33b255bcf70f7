import { setMaxListeners } from "node:events";
import { readFile } from "node:fs/promises";
import { Container } from "inversify";
import type { DestinationStream } from "pino";
import type { SharedEventBus } from "../adapters/events/shared-event-bus.js";
import { HealthStatus } from "../adapters/grpc/health/health-status.js";
import { OnePortServer } from "../adapters/grpc/server/one-port-server.js";
import type { HttpFallback } from "../adapters/grpc/unknown-route.js";
import { createRootLogger } from "../adapters/logging/root-logger.js";
import { openPersistence } from "../adapters/persistence/open-persistence.js";
import { MetricsServer } from "../adapters/telemetry/metrics-server.js";
import type { Telemetry } from "../adapters/telemetry/sdk.js";
import { BootstrapAdminKey } from "../application/api-keys/bootstrap-admin-key.js";
import { ExecutionRunner } from "../application/executions/execution-runner.js";
import { ScheduleRunner } from "../application/triggers/schedule-runner.js";
import type { Config } from "../config.js";
import { DomainError } from "../domain/errors.js";
import { applicationModule } from "./application.module.js";
import { coreModule } from "./core.module.js";
import { engineModule } from "./engine.module.js";
import { grpcModule, RpcHandler } from "./grpc.module.js";
import { httpFallbacksModule } from "./http-fallbacks.module.js";
import { persistenceModule } from "./persistence.module.js";
import { Tokens } from "./tokens.js";
import { triggersModule } from "./triggers.module.js";
import { workflowModule } from "./workflow.module.js";

interface StartServiceOptions {
  /** Started by main before the service; without it there is no /metrics. */
  telemetry?: Telemetry;
  /** More handlers for non-RPC paths, after /metrics. */
  fallbacks?: HttpFallback[];
  /** Where the JSON log lines go; stdout by default. */
  logDestination?: DestinationStream;
}

export interface RunningService {
  /** Base URL of the port, e.g. http://127.0.0.1:8070. */
  readonly url: string;
  readonly port: number;
  /** The separate metrics port when METRICS_PORT is set, else null. */
  readonly metricsPort: number | null;
  /**
   * Graceful shutdown: NOT_SERVING, stop accepting, abort the shutdown signal (streams end),
   * let requests in flight finish, close HTTP/2 sessions (forced after SHUTDOWN_TIMEOUT_MS),
   * then close the database. Safe to call more than once.
   */
  stop(): Promise<void>;
}

/**
 * The composition root: opens the database, builds the container, bootstraps the admin key
 * and listens. Only this function resolves from the container; main.ts and the test harness
 * call it.
 */
export async function startService(
  config: Config,
  options: StartServiceOptions = {},
): Promise<RunningService> {
  const pino = createRootLogger({
    level: config.log.level,
    service: config.telemetry.serviceName,
    destination: options.logDestination,
  });
  const tls = config.server.tls === null ? null : await readTls(config.server.tls);
  const persistence = await openPersistence({
    databaseUrl: config.db.databaseUrl ?? undefined,
    sqlitePath: config.db.sqlitePath,
    poolSize: config.db.poolSize,
  });
  let metricsServer: MetricsServer | null = null;
  try {
    const shutdown = new AbortController();
    // Every call in flight links its own signal to this one: many listeners is normal here.
    setMaxListeners(0, shutdown.signal);
    const metricsHandler = options.telemetry?.metricsHandler ?? null;
    const separateMetrics = metricsHandler !== null && config.telemetry.metricsPort !== null;
    const container = new Container({ defaultScope: "Singleton" });
    container.load(
      coreModule(config, pino),
      persistenceModule(persistence),
      applicationModule,
      engineModule,
      workflowModule,
      triggersModule,
      httpFallbacksModule(separateMetrics ? null : metricsHandler, options.fallbacks ?? []),
      grpcModule(shutdown.signal),
    );
    const logger = container.get(Tokens.Logger);

    if (config.auth.adminApiKey !== null) {
      const result = await container.get(BootstrapAdminKey).execute(config.auth.adminApiKey);
      logger.info(
        {
          event_type: "SYSTEM",
          action: "bootstrap_admin_key",
          result: "SUCCESS",
          key_id: result.keyId,
          created: result.created,
          revoked_key_ids: result.revokedKeyIds,
        },
        "ADMIN_API_KEY is active",
      );
    }

    const health = container.get(HealthStatus);
    const server = await OnePortServer.listen(container.get(RpcHandler), {
      host: config.server.host,
      port: config.server.port,
      tls,
      headersTimeoutMs: config.server.headersTimeoutMs,
      requestTimeoutMs: config.server.requestTimeoutMs,
      keepAliveTimeoutMs: config.server.keepAliveTimeoutMs,
      http2IdleTimeoutMs: config.server.http2IdleTimeoutMs,
    });
    if (separateMetrics && metricsHandler !== null && config.telemetry.metricsPort !== null) {
      metricsServer = await MetricsServer.listen(
        metricsHandler,
        config.telemetry.metricsHost,
        config.telemetry.metricsPort,
      ).catch(async (error: unknown) => {
        await server.drain(0);
        throw error;
      });
    }
    const runner = container.get(ExecutionRunner);
    const coordination = container.get(Tokens.ProcessCoordination);
    if (coordination !== null) {
      const bus = container.get(Tokens.ExecutionEventBus) as SharedEventBus;
      await coordination
        .start(runner.ownerId, {
          work: () => runner.wake(),
          cancel: (executionId) => runner.cancelRequested(executionId),
          watching: (executionId) => bus.watching(executionId),
          runsHere: (executionId) => runner.runsHere(executionId),
          event: (event) => bus.deliver(event),
          resync: () => {
            runner.resync();
            bus.resync();
          },
        })
        .catch(async (error: unknown) => {
          await server.drain(0);
          await metricsServer?.close();
          throw error;
        });
    }
    const engineHost = container.get(Tokens.EngineHost);
    runner.start();
    const schedules = container.get(ScheduleRunner);
    schedules.start();
    const scheme = tls === null ? "http" : "https";
    const host = config.server.host.includes(":") ? `[${config.server.host}]` : config.server.host;
    const url = `${scheme}://${host}:${server.port}`;
    logger.info(
      {
        event_type: "SYSTEM",
        action: "start",
        result: "SUCCESS",
        url,
        protocols: tls === null ? "http/1.1, h2c" : "http/1.1, h2 (TLS, ALPN)",
        database: persistence.dialect,
        metrics_port: metricsServer?.port ?? null,
      },
      `listening on ${url}`,
    );

    let stopping: Promise<void> | null = null;
    const stopOnce = async () => {
      logger.info({ event_type: "SYSTEM", action: "shutdown", result: "SUCCESS" }, "shutting down");
      health.setServing(false);
      server.stopAccepting();
      shutdown.abort(new DomainError("unavailable", "UNAVAILABLE", "server is shutting down"));
      // Runs in progress are aborted and their leases released: they resume at the next start.
      // Workers still computing after 80% of the deadline are stopped, so that the dry-runs
      // waiting on them can still be answered and the leases released in time.
      const schedulesStopped = schedules.stop();
      const runnerStopped = runner.stop();
      const engineStopped = engineHost.close(Math.floor(config.server.shutdownTimeoutMs * 0.8));
      const { forced } = await server.drain(config.server.shutdownTimeoutMs);
      await schedulesStopped;
      await engineStopped;
      await runnerStopped;
      await coordination?.stop();
      await metricsServer?.close();
      await persistence.close();
      logger.info(
        { event_type: "SYSTEM", action: "stop", result: forced ? "FAILURE" : "SUCCESS", forced },
        forced ? "stopped; connections still open at the deadline were destroyed" : "stopped",
      );
    };
    return {
      url,
      port: server.port,
      metricsPort: metricsServer?.port ?? null,
      stop: () => {
        stopping ??= stopOnce();
        return stopping;
      },
    };
  } catch (error) {
    await persistence.close();
    throw error;
  }
}

async function readTls(files: { certFile: string; keyFile: string }) {
  const read = (variable: string, path: string) =>
    readFile(path).catch((error: NodeJS.ErrnoException) => {
      throw new Error(`${variable}: cannot read ${path}: ${error.code ?? error.message}`);
    });
  return {
    cert: await read("TLS_CERT_FILE", files.certFile),
    key: await read("TLS_KEY_FILE", files.keyFile),
  };
}
