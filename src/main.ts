import { availableParallelism } from "node:os";
// The telemetry SDK is imported (and started) before anything else of the service.
import { startTelemetry } from "./adapters/telemetry/sdk.js";
import { type RunningService, startService } from "./composition/start-service.js";
import { type Config, ConfigError, parseConfig, readEnv } from "./config.js";

/**
 * The service process: configuration from the environment (the only reader of process.env
 * besides cli.ts), telemetry, the service, and signal handling. SIGTERM/SIGINT start a
 * graceful shutdown; a second signal, or a shutdown that outlives SHUTDOWN_TIMEOUT_MS by
 * five seconds, ends the process with exit code 1.
 */
async function main(): Promise<void> {
  let config: Config;
  try {
    config = parseConfig(readEnv(process.env), { engineWorkers: availableParallelism() });
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(`${error.message}\n`);
    process.exitCode = 1;
    return;
  }

  const telemetry = startTelemetry({
    serviceName: config.telemetry.serviceName,
    metrics: config.telemetry.metrics,
    tracesExporter: config.telemetry.tracesExporter,
  });
  let service: RunningService;
  try {
    service = await startService(config, { telemetry });
  } catch (error) {
    process.stderr.write(`startup failed: ${oneLine(error)}\n`);
    await telemetry.shutdown().catch(() => undefined);
    process.exitCode = 1;
    return;
  }

  let stopping = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (stopping) {
      process.stderr.write(`${signal} again: exiting without waiting\n`);
      process.exit(1);
    }
    stopping = true;
    const deadline = setTimeout(() => {
      process.stderr.write("shutdown did not finish in time: exiting\n");
      process.exit(1);
    }, config.server.shutdownTimeoutMs + 5_000);
    deadline.unref();
    service
      .stop()
      .then(() => telemetry.shutdown())
      .then(
        () => {
          process.exitCode = 0;
          process.off("SIGTERM", onSignal);
          process.off("SIGINT", onSignal);
          reportLingeringHandles();
        },
        (error: unknown) => {
          process.stderr.write(`shutdown failed: ${oneLine(error)}\n`);
          process.exit(1);
        },
      );
  };
  process.on("SIGTERM", onSignal);
  process.on("SIGINT", onSignal);
}

/** Everything is closed; if some library still keeps the loop alive, say what and exit. */
function reportLingeringHandles(): void {
  setTimeout(() => {
    const handles = process.getActiveResourcesInfo().filter((name) => name !== "Timeout");
    process.stderr.write(`exiting with open handles: ${handles.join(", ") || "timers"}\n`);
    process.exit();
  }, 2_000).unref();
}

function oneLine(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.replace(/\s+/g, " ").trim();
}

await main();
