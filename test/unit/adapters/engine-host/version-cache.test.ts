/**
 * The pool sends a version's definition to a worker only the first time; a worker that no
 * longer has the version compiled answers `missing` and gets the start again with it. The last
 * records of a run travel in the `finished` message, under the checkpoint taken at the end.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  type PoolChannel,
  serveEngine,
} from "../../../../src/adapters/engine-host/engine-worker-service.js";
import { WorkerPoolEngineHost } from "../../../../src/adapters/engine-host/worker-pool-engine-host.js";
import type { FromWorker, ToWorker } from "../../../../src/adapters/engine-host/worker-protocol.js";
import { WorkerSlots } from "../../../../src/adapters/engine-host/worker-slots.js";
import { RecordingActionGateway } from "../../../../src/adapters/engine-support/recording-action-gateway.js";
import { CelExpressionCompiler } from "../../../../src/adapters/expressions/cel-expression-compiler.js";
import { SystemClock } from "../../../../src/adapters/system/system-clock.js";
import { CompiledWorkflows } from "../../../../src/application/executions/compiled-workflows.js";
import type { RunOptions } from "../../../../src/domain/engine/engine-types.js";
import type { NodeRun } from "../../../../src/domain/execution/node-run.js";
import {
  chainWorkflow,
  quickWorkflow,
  toDefinition,
  type WorkflowSpec,
} from "../../../support/workflow-fixtures.js";

const oneVersionWorker = new URL("../../../support/one-version-engine-worker.js", import.meta.url);
const silent = { info() {}, warn() {}, error() {} };

let executions = 0;
function context(workflowId: string, version: number): RunOptions["context"] {
  return {
    executionId: `vc-${++executions}`,
    workflowId,
    workflowVersion: version,
    userId: "u",
    communityId: 1,
    entityId: 0,
    sessionId: "",
    platform: "twitch",
  };
}

/** The worker's side on this thread: what it posts, in order. */
function serve(capacity: number) {
  const posted: FromWorker[] = [];
  let listener: (message: ToWorker) => void = () => undefined;
  const channel: PoolChannel = {
    on: (_event, handler) => {
      listener = handler;
    },
    postMessage: (message) => posted.push(message),
  };
  serveEngine(
    channel,
    { slots: WorkerSlots.create().buffer, setup: null },
    {
      compiled: new CompiledWorkflows(new CelExpressionCompiler(), capacity),
      env: { gateway: new RecordingActionGateway(), clock: new SystemClock() },
      cpuTimeUs: () => 0,
    },
  );
  const ended = (token: number) =>
    new Promise<FromWorker>((resolve) => {
      const timer = setInterval(() => {
        const last = posted.find(
          (m) => m.type !== "ready" && m.type !== "records" && m.token === token,
        );
        if (last !== undefined) {
          clearInterval(timer);
          resolve(last);
        }
      }, 2);
    });
  const start = (token: number, spec: WorkflowSpec, withDefinition: boolean) => {
    listener({
      type: "start",
      token,
      mode: "live",
      workflow: {
        workflowId: spec.name,
        version: 1,
        definition: withDefinition ? toDefinition(spec) : null,
      },
      options: { context: context(spec.name, 1) },
      aborted: null,
    });
    return ended(token);
  };
  return { posted, start };
}

describe("engine worker: versions it has compiled", () => {
  it("answers missing for a version it does not have, and runs it from its cache once it has", async () => {
    const worker = serve(1);
    const spec = quickWorkflow({ communityId: 1 });
    assert.deepEqual(await worker.start(1, spec, false), { type: "missing", token: 1 });
    assert.equal((await worker.start(2, spec, true)).type, "finished");
    assert.equal((await worker.start(3, spec, false)).type, "finished");
    // A second version pushes the first out of a cache of one.
    assert.equal(
      (await worker.start(4, chainWorkflow({ communityId: 1, length: 2 }), true)).type,
      "finished",
    );
    assert.deepEqual(await worker.start(5, spec, false), { type: "missing", token: 5 });
  });

  it("posts the last records with the result, under a checkpoint that covers them", async () => {
    const worker = serve(1);
    const finished = await worker.start(1, quickWorkflow({ communityId: 1 }), true);
    assert.equal(finished.type, "finished");
    if (finished.type !== "finished") return;
    const before = worker.posted.flatMap((m) => (m.type === "records" ? m.records : []));
    const all = [...before, ...finished.records].map((r) => r.nodeId);
    assert.deepEqual(all, ["start", "set", "end"]);
    assert.ok(finished.records.length > 0, "the last node's record comes with the result");
    assert.deepEqual(
      finished.checkpoint?.settled.map((s) => s.nodeId),
      ["start", "set", "end"],
    );
  });
});

describe("WorkerPoolEngineHost with workers that drop versions", () => {
  it("sends the definition again when the worker answers missing; every run completes", async () => {
    const host = new WorkerPoolEngineHost(
      { workerUrl: oneVersionWorker, setup: null, size: 1, segmentCpuMs: 5000 },
      new SystemClock(),
      silent,
    );
    try {
      const specs = [
        quickWorkflow({ communityId: 1 }),
        chainWorkflow({ communityId: 1, length: 3 }),
      ];
      // Alternating two versions on one worker with a cache of one: from the third run on, each
      // start without definition finds the other version cached.
      for (let i = 0; i < 6; i++) {
        const spec = specs[i % 2] as WorkflowSpec;
        const records: NodeRun[] = [];
        const run = host.run(
          { workflowId: spec.name, version: 1, definition: toDefinition(spec) },
          { context: context(spec.name, 1), onNodeFinished: (r) => records.push(r) },
        );
        const result = await run.result;
        assert.equal(result.status, "completed", `run ${i}`);
        assert.equal(records.length, spec.nodes.length, `run ${i}: every record`);
        assert.equal(run.takeCheckpoint()?.settled.length, spec.nodes.length, `run ${i}`);
      }
      assert.equal(host.threads, 1);
    } finally {
      await host.close(0);
    }
  });
});
