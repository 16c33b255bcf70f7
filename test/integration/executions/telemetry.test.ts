import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { metrics, SpanStatusCode } from "@opentelemetry/api";
import { PrometheusExporter } from "@opentelemetry/exporter-prometheus";
import { MeterProvider } from "@opentelemetry/sdk-metrics";
import type { Telemetry } from "../../../src/adapters/telemetry/sdk.js";
import { ExecutionStatus } from "../../../src/gen/waddlebot/workflow/v1/execution_pb.js";
import { ExecutionService } from "../../../src/gen/waddlebot/workflow/v1/execution_service_pb.js";
import { WorkflowService } from "../../../src/gen/waddlebot/workflow/v1/workflow_service_pb.js";
import { startTestService, type TestService } from "../../support/server-harness.js";
import { registerTestTracing } from "../../support/test-tracing.js";
import { quickWorkflow, toCreateRequest } from "../../support/workflow-fixtures.js";

// The global providers register once per process; node --test runs each file in its own.
const spans = registerTestTracing();
const prometheus = new PrometheusExporter({ preventServerStart: true });
metrics.setGlobalMeterProvider(new MeterProvider({ readers: [prometheus] }));
const telemetry: Telemetry = {
  metricsHandler: (req, res) => prometheus.getMetricsRequestHandler(req, res),
  shutdown: async () => undefined,
};

describe("execution telemetry", () => {
  let svc: TestService;
  before(async () => {
    svc = await startTestService({ telemetry });
  });
  after(() => svc.close());

  it("a span per execution with a child span per node run, and execution metrics", async () => {
    const workflows = svc.connect(WorkflowService, "connect-h2", svc.adminKey);
    const executions = svc.connect(ExecutionService, "connect-h2", svc.adminKey);
    const { workflow } = await workflows.createWorkflow(
      toCreateRequest(quickWorkflow({ communityId: 5 })),
    );
    const workflowId = workflow?.workflowId ?? "";
    await workflows.publishWorkflow({ workflowId });
    const { execution } = await executions.executeWorkflow({ workflowId, communityId: 5n });
    const executionId = execution?.executionId ?? "";
    let status = ExecutionStatus.PENDING;
    for (let i = 0; i < 200 && status !== ExecutionStatus.COMPLETED; i++) {
      await new Promise((resolve) => setTimeout(resolve, 25));
      status =
        (await executions.getExecution({ executionId, omitNodeRuns: true })).execution?.status ??
        status;
    }
    assert.equal(status, ExecutionStatus.COMPLETED);

    const finished = spans.getFinishedSpans();
    const run = finished.find(
      (s) =>
        s.name === "workflow.execution" && s.attributes["workflow.execution_id"] === executionId,
    );
    assert.ok(run, "execution span");
    assert.equal(run.attributes["workflow.id"], workflowId);
    assert.equal(run.attributes["workflow.status"], "completed");
    assert.notEqual(run.status.code, SpanStatusCode.ERROR);
    const children = finished.filter(
      (s) =>
        s.name === "workflow.node_run" && s.parentSpanContext?.spanId === run.spanContext().spanId,
    );
    assert.deepEqual(
      children.map((s) => [
        s.attributes["workflow.node_type"],
        s.attributes["workflow.node_status"],
      ]),
      [
        ["trigger_command", "completed"],
        ["data_variable_set", "completed"],
        ["flow_end", "completed"],
      ],
    );

    const text = await (await fetch(`${svc.url}/metrics`)).text();
    assert.match(text, /workflow_executions_started_total\{[^}]*\} [1-9]/);
    assert.match(text, /workflow_executions_finished_total\{[^}]*status="completed"[^}]*\} [1-9]/);
    assert.match(text, /workflow_node_run_duration_count\{[^}]*node_type="flow_end"/);
  });
});
