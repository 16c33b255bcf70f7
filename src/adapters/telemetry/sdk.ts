import type { IncomingMessage, ServerResponse } from "node:http";
import { PrometheusExporter } from "@opentelemetry/exporter-prometheus";
import { NodeSDK } from "@opentelemetry/sdk-node";
import { NoopSpanProcessor } from "@opentelemetry/sdk-trace";

interface TelemetryOptions {
  serviceName: string;
  metrics: boolean;
  /** A configured OTEL_TRACES_EXPORTER; null records spans without exporting them. */
  tracesExporter: string | null;
}

export interface Telemetry {
  /** Prometheus text exposition for GET /metrics; null when metrics are off. */
  metricsHandler: ((req: IncomingMessage, res: ServerResponse) => void) | null;
  /** Flushes exporters. */
  shutdown(): Promise<void>;
}

/**
 * Starts the OpenTelemetry SDK and registers the global tracer and meter providers; call it
 * before the service is built. Trace export follows the standard OTEL_* variables and is off
 * when OTEL_TRACES_EXPORTER is unset or "none" (spans still get ids for log correlation).
 * Metrics go to a Prometheus exporter that never opens its own port; its request handler is
 * mounted by the caller. Logs are not exported through OTel (pino writes them).
 */
export function startTelemetry(options: TelemetryOptions): Telemetry {
  const prometheus = options.metrics ? new PrometheusExporter({ preventServerStart: true }) : null;
  const sdk = new NodeSDK({
    serviceName: options.serviceName,
    metricReaders: prometheus === null ? [] : [prometheus],
    ...(options.tracesExporter === null ? { spanProcessors: [new NoopSpanProcessor()] } : {}),
    logRecordProcessors: [],
  });
  sdk.start();
  return {
    metricsHandler:
      prometheus === null ? null : (req, res) => prometheus.getMetricsRequestHandler(req, res),
    shutdown: () => sdk.shutdown(),
  };
}
