/**
 * Entry module of an engine worker thread (started by the pool, WorkerPoolEngineHost): the
 * engine with its adapters from engineModule, served over the thread's parent port.
 */
import { parentPort, workerData } from "node:worker_threads";
import { Container, ContainerModule } from "inversify";
import { serveEngine } from "../adapters/engine-host/engine-worker-service.js";
import type { WorkerBoot } from "../adapters/engine-host/worker-protocol.js";
import { SystemClock } from "../adapters/system/system-clock.js";
import { CompiledWorkflows } from "../application/executions/compiled-workflows.js";
import type { Config } from "../config.js";
import { engineModule } from "./engine.module.js";
import { Tokens } from "./tokens.js";

if (parentPort !== null) {
  const boot = workerData as WorkerBoot;
  const container = new Container({ defaultScope: "Singleton" });
  container.load(
    new ContainerModule(({ bind }) => {
      bind(Tokens.Config).toConstantValue(boot.setup as Config);
      bind(Tokens.Clock).toConstantValue(new SystemClock());
    }),
    engineModule,
  );
  serveEngine(parentPort, boot, {
    compiled: container.get(CompiledWorkflows),
    env: container.get(Tokens.EngineEnvironment),
    cpuTimeUs: () => {
      const usage = process.threadCpuUsage();
      return usage.user + usage.system;
    },
  });
}
