/**
 * What running the engine in worker threads costs: the same executions through the in-process
 * host and through the worker pool, CPU time of the whole process (main thread and workers)
 * per execution, and wall time. No database, no network: the host alone.
 */
import { availableParallelism } from "node:os";
import { InProcessEngineHost } from "../../src/adapters/engine-host/in-process-engine-host.js";
import { WorkerPoolEngineHost } from "../../src/adapters/engine-host/worker-pool-engine-host.js";
import { RecordingActionGateway } from "../../src/adapters/engine-support/recording-action-gateway.js";
import { CelExpressionCompiler } from "../../src/adapters/expressions/cel-expression-compiler.js";
import { SystemClock } from "../../src/adapters/system/system-clock.js";
import { CompiledWorkflows } from "../../src/application/executions/compiled-workflows.js";
import { parseConfig } from "../../src/config.js";
import type { EngineHost } from "../../src/ports/engine-host.js";
import {
  chainWorkflow,
  quickWorkflow,
  toDefinition,
  type WorkflowSpec,
} from "../../test/support/workflow-fixtures.js";

const workerUrl = new URL("../../src/composition/engine-worker.js", import.meta.url);
const silent = { info() {}, warn() {}, error() {} };

export interface OverheadRow {
  workflow: string;
  host: string;
  executions: number;
  cpuUsPerExecution: number;
  wallMs: number;
}

async function drive(host: EngineHost, spec: WorkflowSpec, total: number, concurrency: number) {
  const ref = { workflowId: spec.name, version: 1, definition: toDefinition(spec) };
  let next = 0;
  let records = 0;
  const one = async () => {
    while (next < total) {
      const n = next++;
      const run = host.run(ref, {
        context: {
          executionId: `bench-${n}`,
          workflowId: spec.name,
          workflowVersion: 1,
          userId: "bench",
          communityId: 1,
          entityId: 0,
          sessionId: "",
          platform: "twitch",
        },
        onNodeFinished: () => {
          records++;
        },
      });
      const result = await run.result;
      if (result.status !== "completed") throw new Error(`run ended ${result.status}`);
      run.takeCheckpoint();
    }
  };
  await Promise.all(Array.from({ length: concurrency }, one));
  return records;
}

export async function measureOverhead(executions: number): Promise<OverheadRow[]> {
  const clock = new SystemClock();
  const specs = [quickWorkflow({ communityId: 1 }), chainWorkflow({ communityId: 1, length: 20 })];
  const hosts: [string, () => EngineHost][] = [
    [
      "in-process",
      () =>
        new InProcessEngineHost(new CompiledWorkflows(new CelExpressionCompiler(), 10), {
          gateway: new RecordingActionGateway(),
          clock,
        }),
    ],
    [
      `worker pool (${availableParallelism()} workers)`,
      () =>
        new WorkerPoolEngineHost(
          {
            workerUrl,
            setup: parseConfig({}),
            size: availableParallelism(),
            segmentCpuMs: 5000,
          },
          clock,
          silent,
        ),
    ],
  ];
  const rows: OverheadRow[] = [];
  for (const spec of specs) {
    for (const [name, make] of hosts) {
      const host = make();
      // Warm-up: every worker started and loaded (its start-up is not an execution's cost),
      // code compiled.
      await drive(host, spec, 200, 16);
      while (host instanceof WorkerPoolEngineHost && host.readyThreads < availableParallelism()) {
        await drive(host, spec, 50, 16);
      }
      await drive(host, spec, 200, 32);
      const cpu = process.cpuUsage();
      const started = performance.now();
      await drive(host, spec, executions, 32);
      const wallMs = performance.now() - started;
      const used = process.cpuUsage(cpu);
      rows.push({
        workflow: spec.name,
        host: name,
        executions,
        cpuUsPerExecution: Math.round((used.user + used.system) / executions),
        wallMs: Math.round(wallMs),
      });
      await host.close(0);
    }
  }
  return rows;
}
