import assert from "node:assert/strict";
import { after, before, beforeEach, describe, it } from "node:test";
import { Code } from "@connectrpc/connect";
import { metrics, SpanKind, SpanStatusCode } from "@opentelemetry/api";
import { PrometheusExporter } from "@opentelemetry/exporter-prometheus";
import { MeterProvider } from "@opentelemetry/sdk-metrics";
import type { Telemetry } from "../../../src/adapters/telemetry/sdk.js";
import { Health } from "../../../src/gen/grpc/health/v1/health_pb.js";
import { ApiKeyService } from "../../../src/gen/waddlebot/workflow/v1/api_key_service_pb.js";
import { ErrorInfoSchema } from "../../../src/gen/waddlebot/workflow/v1/errors_pb.js";
import { startTestService, type TestService } from "../../support/server-harness.js";
import { registerTestTracing } from "../../support/test-tracing.js";
import { expectConnectError } from "./expect-error.js";
import { GrpcJsClient } from "./grpc-js-client.js";
import { runSql } from "./run-sql.js";

// One set of global providers for this file (they register once per process).
const spans = registerTestTracing();
const prometheus = new PrometheusExporter({ preventServerStart: true });
metrics.setGlobalMeterProvider(new MeterProvider({ readers: [prometheus] }));
const telemetry: Telemetry = {
  metricsHandler: (req, res) => prometheus.getMetricsRequestHandler(req, res),
  shutdown: async () => undefined,
};

const traceId = "4bf92f3577b34da6a3ce929d0e0e4736";
const traceparent = `00-${traceId}-00f067aa0ba902b7-01`;

describe("telemetry", () => {
  let svc: TestService;
  before(async () => {
    svc = await startTestService({ telemetry });
  });
  after(() => svc.close());
  beforeEach(() => spans.reset());

  function serverSpans(name: string) {
    return spans.getFinishedSpans().filter((s) => s.name === name && s.kind === SpanKind.SERVER);
  }

  it("opens a SERVER span per Connect call, continuing the caller's trace", async () => {
    const health = svc.connect(Health, "connect-h1");
    await health.check({}, { headers: { traceparent } });
    const [span] = serverSpans("grpc.health.v1.Health/Check");
    assert.ok(span);
    assert.equal(span.spanContext().traceId, traceId);
    assert.equal(span.attributes["rpc.system"], "connect_rpc");
    assert.equal(span.attributes["rpc.service"], "grpc.health.v1.Health");
    assert.equal(span.attributes["rpc.method"], "Check");
    assert.equal(span.attributes["rpc.connect_rpc.error_code"], "ok");
    assert.equal(span.status.code, SpanStatusCode.UNSET);
  });

  it("records the gRPC status of grpc-js calls", async () => {
    const client = new GrpcJsClient(`127.0.0.1:${svc.port}`);
    svc.onStop(() => client.close());
    await client.unary(Health.method.check, {});
    const [span] = serverSpans("grpc.health.v1.Health/Check");
    assert.equal(span?.attributes["rpc.system"], "grpc");
    assert.equal(span?.attributes["rpc.grpc.status_code"], 0);
  });

  it("records client faults without marking the span as failed", async () => {
    const keys = svc.connect(ApiKeyService, "connect-h2");
    await expectConnectError(keys.listApiKeys({}), Code.Unauthenticated, "UNAUTHORIZED");
    const [span] = serverSpans("waddlebot.workflow.v1.ApiKeyService/ListApiKeys");
    assert.equal(span?.attributes["rpc.connect_rpc.error_code"], "unauthenticated");
    assert.equal(span?.status.code, SpanStatusCode.UNSET);
  });

  it("marks server faults as errors and ties the log line and ErrorInfo to the trace", async () => {
    await runSql(svc.db, ["alter table api_keys rename to api_keys_hidden"]);
    let errorTraceId: string | undefined;
    try {
      const keys = svc.connect(ApiKeyService, "connect-h1", svc.adminKey);
      const error = await expectConnectError(
        keys.listApiKeys({}, { headers: { traceparent } }),
        Code.Internal,
        "INTERNAL_ERROR",
      );
      errorTraceId = error.findDetails(ErrorInfoSchema)[0]?.metadata.trace_id;
    } finally {
      await runSql(svc.db, ["alter table api_keys_hidden rename to api_keys"]);
    }
    const [span] = serverSpans("waddlebot.workflow.v1.ApiKeyService/ListApiKeys");
    assert.equal(span?.status.code, SpanStatusCode.ERROR);
    assert.equal(span?.attributes["rpc.connect_rpc.error_code"], "internal");
    assert.ok((span?.events ?? []).some((e) => e.name === "exception"));
    assert.equal(errorTraceId, traceId);
    assert.ok(svc.logs.find((l) => l.event_type === "ERROR" && l.trace_id === traceId).length > 0);
  });

  it("ends the span of a server stream when the stream ends", async () => {
    const health = svc.connect(Health, "connect-h2");
    const controller = new AbortController();
    for await (const _ of health.watch({}, { signal: controller.signal })) break;
    controller.abort();
    const deadline = Date.now() + 10_000;
    while (serverSpans("grpc.health.v1.Health/Watch").length === 0 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    assert.equal(serverSpans("grpc.health.v1.Health/Watch").length, 1);
  });

  it("serves Prometheus metrics at /metrics on the service port", async () => {
    const res = await fetch(`${svc.url}/metrics`);
    assert.equal(res.status, 200);
    const text = await res.text();
    assert.match(text, /^# HELP rpc_server_duration/m);
    assert.match(text, /rpc_server_duration_count\{[^}]*rpc_method="Check"[^}]*\} \d+/);
  });

  it("moves /metrics to METRICS_PORT when set", async () => {
    const other = await startTestService({ telemetry, env: { METRICS_PORT: "0" } });
    try {
      assert.ok(other.service.metricsPort);
      const res = await fetch(`http://127.0.0.1:${other.service.metricsPort}/metrics`);
      assert.equal(res.status, 200);
      assert.match(await res.text(), /rpc_server_duration/);
      assert.equal((await fetch(`${other.url}/metrics`)).status, 404);
    } finally {
      await other.close();
    }
  });
});
