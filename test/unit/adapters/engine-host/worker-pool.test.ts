/**
 * The worker pool behind the EngineHost port, with real worker threads running the service's
 * worker entry (src/composition/engine-worker.ts): records and checkpoints cross threads,
 * aborts reach the worker, a segment over the CPU-time bound fails its run and only its run,
 * and close() stops a worker that is still computing.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { WorkerPoolEngineHost } from "../../../../src/adapters/engine-host/worker-pool-engine-host.js";
import { SystemClock } from "../../../../src/adapters/system/system-clock.js";
import { parseConfig } from "../../../../src/config.js";
import type { RunOptions } from "../../../../src/domain/engine/engine-types.js";
import { DomainError } from "../../../../src/domain/errors.js";
import type { NodeRun } from "../../../../src/domain/execution/node-run.js";
import type { Logger } from "../../../../src/ports/logger.js";
import { slowExpression } from "../../../support/bomb-workflows.js";
import {
  edge,
  node,
  quickWorkflow,
  toDefinition,
  type WorkflowSpec,
} from "../../../support/workflow-fixtures.js";

const workerUrl = new URL("../../../../src/composition/engine-worker.js", import.meta.url);

class RecordingLogger implements Logger {
  readonly lines: { level: string; fields: Record<string, unknown>; message: string }[] = [];
  info(fields: Record<string, unknown>, message: string) {
    this.lines.push({ level: "info", fields, message });
  }
  warn(fields: Record<string, unknown>, message: string) {
    this.lines.push({ level: "warn", fields, message });
  }
  error(fields: Record<string, unknown>, message: string) {
    this.lines.push({ level: "error", fields, message });
  }
}

function pool(size: number, segmentCpuMs: number) {
  const logger = new RecordingLogger();
  const host = new WorkerPoolEngineHost(
    { workerUrl, setup: parseConfig({}), size, segmentCpuMs },
    new SystemClock(),
    logger,
  );
  return { host, logger };
}

let executions = 0;
function ref(spec: WorkflowSpec) {
  return { workflowId: spec.name, version: 1, definition: toDefinition(spec) };
}
function context(workflowId: string): RunOptions["context"] {
  return {
    executionId: `ex-${++executions}`,
    workflowId,
    workflowVersion: 1,
    userId: "u",
    communityId: 1,
    entityId: 0,
    sessionId: "",
    platform: "twitch",
  };
}

const trigger = () =>
  node("start", "trigger_command", { command_pattern: "!go", platforms: ["twitch"] });

function waiting(delayMs: number): WorkflowSpec {
  return {
    name: `wait-${delayMs}`,
    communityId: 1,
    nodes: [
      trigger(),
      node("wait", "action_delay", { delay_ms: delayMs }),
      node("end", "flow_end"),
    ],
    edges: [edge("start", "output", "wait"), edge("wait", "success", "end")],
  };
}

function bomb(expressions: number): WorkflowSpec {
  const transformations = Object.fromEntries(
    Array.from({ length: expressions }, (_, i) => [`t${i}`, slowExpression]),
  );
  return {
    name: `bomb-${expressions}`,
    communityId: 1,
    globalVariables: { s: "a".repeat(1100) },
    nodes: [
      trigger(),
      node("bomb", "data_transform", { transformations }),
      node("end", "flow_end"),
    ],
    edges: [edge("start", "output", "bomb"), edge("bomb", "output", "end")],
  };
}

function firstRecord(records: NodeRun[]): Promise<void> {
  return new Promise((resolve) => {
    const timer = setInterval(() => {
      if (records.length > 0) {
        clearInterval(timer);
        resolve();
      }
    }, 5);
  });
}

describe("WorkerPoolEngineHost", () => {
  it("runs in a worker: records in order, a checkpoint that covers them, the result", async () => {
    const { host } = pool(2, 5000);
    try {
      const spec = quickWorkflow({ communityId: 1 });
      const records: NodeRun[] = [];
      const run = host.run(ref(spec), {
        context: context(spec.name),
        onNodeFinished: (r) => records.push(r),
      });
      const result = await run.result;
      assert.equal(result.status, "completed");
      assert.equal(result.finalOutput, "hello there");
      assert.deepEqual(
        records.map((r) => r.nodeId),
        ["start", "set", "end"],
      );
      assert.ok(records[0]?.startedAt instanceof Date, "dates cross as dates");
      assert.deepEqual(
        run.takeCheckpoint()?.settled.map((s) => s.nodeId),
        ["start", "set", "end"],
      );
      assert.equal(host.threads, 1, "one worker for one run");
    } finally {
      await host.close(0);
    }
  });

  it("rejects a definition that does not compile with BAD_REQUEST", async () => {
    const { host } = pool(1, 5000);
    try {
      const spec: WorkflowSpec = {
        name: "broken",
        communityId: 1,
        nodes: [
          trigger(),
          node("t", "data_transform", { transformations: { x: "vars.(" } }),
          node("end", "flow_end"),
        ],
        edges: [edge("start", "output", "t"), edge("t", "output", "end")],
      };
      await assert.rejects(
        host.run(ref(spec), { context: context(spec.name) }).result,
        (error: unknown) => DomainError.is(error) && error.reason === "BAD_REQUEST",
      );
      await assert.rejects(
        host.dryRun(ref(spec), { context: context(spec.name) }),
        (error: unknown) => DomainError.is(error) && error.violations.length > 0,
      );
    } finally {
      await host.close(0);
    }
  });

  it("forwards an abort into the worker: a long delay ends cancelled", async () => {
    const { host } = pool(1, 5000);
    try {
      const spec = waiting(120_000);
      const controller = new AbortController();
      const records: NodeRun[] = [];
      const run = host.run(ref(spec), {
        context: context(spec.name),
        signal: controller.signal,
        onNodeFinished: (r) => records.push(r),
      });
      await firstRecord(records);
      controller.abort("cancel");
      const result = await run.result;
      assert.equal(result.status, "cancelled");
    } finally {
      await host.close(0);
    }
  });

  it("parks in a worker: a long delay ends the run waiting, with its wait and a checkpoint that holds it", async () => {
    const { host } = pool(1, 5000);
    try {
      const spec = waiting(3_600_000);
      const ctx = context(spec.name);
      const records: NodeRun[] = [];
      const run = host.run(ref(spec), {
        context: ctx,
        parking: { minWaitMs: 1000 },
        onNodeFinished: (r) => records.push(r),
      });
      const result = await run.result;
      assert.equal(result.status, "waiting");
      assert.equal(result.wait?.reason, "timer");
      assert.deepEqual(result.wait?.nodeIds, ["wait"]);
      const checkpoint = run.takeCheckpoint();
      assert.deepEqual(
        checkpoint?.waits?.map((w) => [w.nodeId, w.kind, w.wakeAtMs]),
        [["wait", "delay", result.wait?.wakeAtMs]],
      );
      assert.deepEqual(
        records.map((r) => r.nodeId),
        ["start"],
        "the parked node has no record yet",
      );

      // Cancelled while parked: resumed in a worker from that checkpoint, it ends cancelled.
      assert.ok(checkpoint);
      const resumedRecords: NodeRun[] = [];
      const resumed = host.run(ref(spec), {
        context: ctx,
        parking: { minWaitMs: 1000 },
        resume: checkpoint,
        cancelOnResume: "the execution was cancelled while waiting",
        onNodeFinished: (r) => resumedRecords.push(r),
      });
      const ended = await resumed.result;
      assert.equal(ended.status, "cancelled");
      assert.equal(ended.wait, null);
      assert.deepEqual(
        resumedRecords.map((r) => `${r.nodeId}:${r.status}`),
        ["wait:cancelled", "end:cancelled"],
      );
    } finally {
      await host.close(0);
    }
  });

  it("past the bound: only the run that computed fails, naming its node; the worker is replaced", async () => {
    const { host, logger } = pool(1, 200);
    try {
      const other = waiting(500);
      const otherRecords: NodeRun[] = [];
      const survivor = host.run(ref(other), {
        context: context(other.name),
        onNodeFinished: (r) => otherRecords.push(r),
      });
      await firstRecord(otherRecords);

      const spec = bomb(100);
      const records: NodeRun[] = [];
      const culprit = host.run(ref(spec), {
        context: context(spec.name),
        onNodeFinished: (r) => records.push(r),
      });
      const failed = await culprit.result;
      assert.equal(failed.status, "failed");
      assert.equal(failed.errorReason, "CPU_LIMIT_EXCEEDED");
      assert.equal(failed.errorMessage, "run exceeded its CPU-time bound of 200 ms in node bomb");
      assert.equal(failed.errorNodeId, "bomb");
      const last = records.at(-1);
      assert.equal(last?.nodeId, "bomb");
      assert.equal(last?.status, "failed");
      assert.equal(last?.errorReason, "CPU_LIMIT_EXCEEDED");

      const survived = await survivor.result;
      assert.equal(survived.status, "completed");
      const ids = otherRecords.map((r) => r.nodeId);
      assert.deepEqual(ids, ["start", "wait", "end"], "the trigger did not run again");
      const sequences = otherRecords.map((r) => r.sequence);
      assert.equal(new Set(sequences).size, sequences.length, "no sequence twice");
      assert.deepEqual(
        survivor.takeCheckpoint()?.settled.map((s) => s.nodeId),
        ["start", "wait", "end"],
        "the checkpoint, made whole from the new worker's deltas, covers every record",
      );
      const replaced = logger.lines.filter((l) => l.fields.action === "engine_worker_replaced");
      assert.equal(replaced.length, 1);
      assert.equal(replaced[0]?.fields.node_id, "bomb");

      const spec2 = quickWorkflow({ communityId: 1 });
      const after = await host.run(ref(spec2), { context: context(spec2.name) }).result;
      assert.equal(after.status, "completed", "runs go on on the new worker");
      assert.equal(host.threads, 1);
    } finally {
      await host.close(0);
    }
  });

  it("a dry-run past the bound rejects with limit_exceeded / CPU_LIMIT_EXCEEDED", async () => {
    const { host } = pool(1, 200);
    try {
      const spec = bomb(100);
      await assert.rejects(
        host.dryRun(ref(spec), { context: context(spec.name) }),
        (error: unknown) =>
          DomainError.is(error) &&
          error.kind === "limit_exceeded" &&
          error.reason === "CPU_LIMIT_EXCEEDED" &&
          error.metadata.node_id === "bomb",
      );
    } finally {
      await host.close(0);
    }
  });

  it("close() stops a worker that is still computing; its run ends cancelled", async () => {
    const { host } = pool(1, 3_600_000);
    const spec = bomb(100);
    const run = host.run(ref(spec), { context: context(spec.name) });
    // Give the worker time to start computing, then close with a short grace.
    await new Promise((resolve) => setTimeout(resolve, 300));
    await host.close(50);
    const result = await run.result;
    assert.equal(result.status, "cancelled");
    assert.equal(host.threads, 0);
    await assert.rejects(
      host.run(ref(spec), { context: context(spec.name) }).result,
      (error: unknown) => DomainError.is(error) && error.reason === "UNAVAILABLE",
    );
  });
});
