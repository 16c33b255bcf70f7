import { context, metrics, type Span, SpanStatusCode, trace } from "@opentelemetry/api";
import type { EngineResult } from "../../domain/engine/engine-types.js";
import type { Execution } from "../../domain/execution/execution.js";
import type { NodeRun } from "../../domain/execution/node-run.js";

const tracer = trace.getTracer("waddlebot-workflow");

/**
 * Created on first use, not at import: the SDK's meter provider is registered by main() after
 * the modules are loaded, and a meter taken earlier would stay a no-op forever.
 */
let instruments: ReturnType<typeof createInstruments> | null = null;

function createInstruments() {
  const meter = metrics.getMeter("waddlebot-workflow");
  return {
    started: meter.createCounter("workflow.executions.started", {
      description: "Executions a runner started (or resumed)",
    }),
    finished: meter.createCounter("workflow.executions.finished", {
      description: "Executions that reached a terminal status, by status",
    }),
    nodeDuration: meter.createHistogram("workflow.node_run.duration", {
      description: "Duration of node runs",
      unit: "ms",
    }),
    parked: meter.createCounter("workflow.executions.parked", {
      description: "Runs parked in the database on a durable wait, by wait reason",
    }),
    wakeLateness: meter.createHistogram("workflow.wait.lateness", {
      description: "How late a parked timer was resumed after its wake-up time",
      unit: "ms",
    }),
    executionDuration: meter.createHistogram("workflow.execution.duration", {
      description: "Duration of executions from start to terminal status",
      unit: "ms",
    }),
  };
}

function meters() {
  instruments ??= createInstruments();
  return instruments;
}

/** One span per execution with a child span per node run, plus the execution metrics. */
export class ExecutionTrace {
  private readonly span: Span;

  constructor(execution: Execution, resumed: boolean) {
    this.span = tracer.startSpan("workflow.execution", {
      attributes: {
        "workflow.id": execution.workflowId,
        "workflow.version": execution.workflowVersion,
        "workflow.execution_id": execution.executionId,
        "workflow.resumed": resumed,
      },
    });
    meters().started.add(1, { resumed });
  }

  nodeRun(run: NodeRun): void {
    meters().nodeDuration.record(run.durationMs, { node_type: run.nodeType, status: run.status });
    // Without a trace exporter the execution span is not recorded: skip the child spans.
    if (!this.span.isRecording()) return;
    const parent = trace.setSpan(context.active(), this.span);
    const span = tracer.startSpan(
      "workflow.node_run",
      {
        startTime: run.startedAt ?? undefined,
        attributes: {
          "workflow.node_id": run.nodeId,
          "workflow.node_type": run.nodeType,
          "workflow.node_status": run.status,
          "workflow.node_attempt": run.attempt,
        },
      },
      parent,
    );
    if (run.status === "failed") {
      span.setStatus({ code: SpanStatusCode.ERROR, message: run.errorMessage ?? "" });
    }
    span.end(run.completedAt ?? undefined);
  }

  /** The run parked: this start of it ends here (a resumed start gets a span of its own). */
  parked(reason: string): void {
    this.span.setAttribute("workflow.status", "waiting");
    this.span.setAttribute("workflow.wait_reason", reason);
    this.span.end();
    meters().parked.add(1, { reason });
  }

  /** A resumed run whose timer was due `latenessMs` ago. */
  resumedLate(latenessMs: number): void {
    meters().wakeLateness.record(Math.max(0, latenessMs));
  }

  finish(
    outcome: Pick<EngineResult, "status" | "errorReason" | "errorMessage">,
    durationMs: number,
  ): void {
    this.span.setAttribute("workflow.status", outcome.status);
    if (outcome.status === "failed") {
      this.span.setStatus({ code: SpanStatusCode.ERROR, message: outcome.errorMessage ?? "" });
      this.span.setAttribute("workflow.error_reason", outcome.errorReason ?? "");
    }
    this.span.end();
    meters().finished.add(1, { status: outcome.status });
    meters().executionDuration.record(durationMs, { status: outcome.status });
  }
}
