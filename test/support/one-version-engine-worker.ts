/**
 * An engine worker entry for tests: the service's worker (src/composition/engine-worker.ts), but
 * with a cache of one compiled version, so that a worker drops versions the pool sent it.
 */
import { parentPort, workerData } from "node:worker_threads";
import { serveEngine } from "../../src/adapters/engine-host/engine-worker-service.js";
import type { WorkerBoot } from "../../src/adapters/engine-host/worker-protocol.js";
import { RecordingActionGateway } from "../../src/adapters/engine-support/recording-action-gateway.js";
import { CelExpressionCompiler } from "../../src/adapters/expressions/cel-expression-compiler.js";
import { SystemClock } from "../../src/adapters/system/system-clock.js";
import { CompiledWorkflows } from "../../src/application/executions/compiled-workflows.js";

if (parentPort !== null) {
  serveEngine(parentPort, workerData as WorkerBoot, {
    compiled: new CompiledWorkflows(new CelExpressionCompiler(), 1),
    env: { gateway: new RecordingActionGateway(), clock: new SystemClock() },
    cpuTimeUs: () => {
      const usage = process.threadCpuUsage();
      return usage.user + usage.system;
    },
  });
}
