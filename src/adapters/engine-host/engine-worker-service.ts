import type { CompiledWorkflows } from "../../application/executions/compiled-workflows.js";
import { dryRunWorkflow } from "../../domain/engine/dry-run.js";
import type { EngineEnvironment } from "../../domain/engine/engine-types.js";
import { runWorkflow } from "../../domain/engine/run-workflow.js";
import { markingEnvironment } from "./marking-environment.js";
import {
  type FromWorker,
  type ToWorker,
  toPortableError,
  type WorkerBoot,
} from "./worker-protocol.js";
import { WorkerRun } from "./worker-run.js";
import { WorkerSlots } from "./worker-slots.js";

/** The worker's end of its channel to the pool (a worker_threads parentPort). */
export interface PoolChannel {
  on(event: "message", listener: (message: ToWorker) => void): unknown;
  postMessage(message: FromWorker): void;
}

interface EngineDependencies {
  compiled: CompiledWorkflows;
  env: EngineEnvironment;
  /** CPU time of this thread in microseconds (process.threadCpuUsage). */
  cpuTimeUs: () => number;
}

/**
 * The engine worker: runs what the pool sends, posts node records (at the next node start or
 * turn of the event loop, each batch with a checkpoint that covers it) and results, and marks in the shared
 * slots which run executes, for the pool's CPU-time watchdog.
 */
export function serveEngine(channel: PoolChannel, boot: WorkerBoot, deps: EngineDependencies) {
  const slots = new WorkerSlots(boot.slots);
  const runs = new Map<number, WorkerRun>();
  const unposted = new Set<WorkerRun>();
  let flushQueued = false;

  const post = (run: WorkerRun) => {
    run.enter();
    const records = run.takeRecords();
    if (records.length === 0) return;
    const checkpoint = run.handle?.takeCheckpoint() ?? null;
    channel.postMessage({ type: "records", token: run.token, records, checkpoint });
  };
  const flush = () => {
    flushQueued = false;
    for (const run of unposted) post(run);
    unposted.clear();
  };
  const onRecords = (run: WorkerRun, now: boolean) => {
    if (now) {
      unposted.delete(run);
      post(run);
      return;
    }
    unposted.add(run);
    if (!flushQueued) {
      flushQueued = true;
      setImmediate(flush);
    }
  };
  const fail = (run: WorkerRun, error: unknown) => {
    runs.delete(run.token);
    unposted.delete(run);
    channel.postMessage({ type: "failed", token: run.token, error: toPortableError(error) });
  };

  const start = (message: Extract<ToWorker, { type: "start" }>) => {
    slots.enter(message.token, null, deps.cpuTimeUs());
    const { token, workflow: ref } = message;
    let workflow: ReturnType<CompiledWorkflows["compile"]>;
    try {
      workflow = deps.compiled.compile(ref.workflowId, ref.version, ref.definition);
    } catch (error) {
      channel.postMessage({ type: "failed", token, error: toPortableError(error) });
      return;
    }
    const run = new WorkerRun(
      token,
      message.mode === "live",
      workflow,
      slots,
      deps.cpuTimeUs,
      onRecords,
    );
    runs.set(token, run);
    if (message.aborted !== null) run.controller.abort(message.aborted);
    const env = markingEnvironment(deps.env, () => run.enter());
    const options = {
      ...message.options,
      signal: run.controller.signal,
      onEvent: (event: Parameters<WorkerRun["onEvent"]>[0]) => run.onEvent(event),
    };
    try {
      if (message.mode === "dry_run") {
        dryRunWorkflow(workflow, options, env).then(
          (dryRun) => {
            run.enter();
            runs.delete(token);
            channel.postMessage({ type: "dry_run_finished", token, dryRun });
          },
          (error: unknown) => fail(run, error),
        );
        return;
      }
      const handle = runWorkflow(workflow, { ...options, mode: "live" }, env);
      run.handle = handle;
      handle.result.then(
        (result) => {
          unposted.delete(run);
          post(run);
          runs.delete(token);
          channel.postMessage({
            type: "finished",
            token,
            result,
            checkpoint: handle.takeCheckpoint(),
          });
        },
        (error: unknown) => fail(run, error),
      );
    } catch (error) {
      fail(run, error);
    }
  };

  channel.on("message", (message) => {
    if (message.type === "start") {
      start(message);
    } else {
      const run = runs.get(message.token);
      if (run === undefined) return;
      run.enter();
      run.controller.abort(message.reason);
    }
  });
  // The watchdog measures from here: loading the modules is not any run's segment.
  slots.enter(0, null, deps.cpuTimeUs());
  channel.postMessage({ type: "ready" });
}
