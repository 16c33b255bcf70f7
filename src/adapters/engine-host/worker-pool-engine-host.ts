import type { DryRun, DryRunOptions } from "../../domain/engine/dry-run.js";
import type { EngineResult } from "../../domain/engine/engine-types.js";
import { DomainError } from "../../domain/errors.js";
import type { Clock } from "../../domain/ports/clock.js";
import type {
  EngineHost,
  HostedRun,
  HostedRunOptions,
  WorkflowVersionRef,
} from "../../ports/engine-host.js";
import type { Logger } from "../../ports/logger.js";
import { CpuWatchdog } from "./cpu-watchdog.js";
import {
  cpuLimitMessage,
  cpuLimitRecord,
  type HostEnd,
  hostEndedResult,
} from "./host-ended-runs.js";
import { PoolWorker } from "./pool-worker.js";
import { PooledRun } from "./pooled-run.js";
import {
  type FromWorker,
  fromPortableError,
  type PortableRunOptions,
  portableReason,
} from "./worker-protocol.js";
import type { SlotReading } from "./worker-slots.js";

export interface WorkerPoolOptions {
  /** The worker's entry module (src/composition/engine-worker). */
  workerUrl: URL;
  /** Handed to the entry module as `workerData.setup` (structured-cloneable). */
  setup: unknown;
  /** Most worker threads at once; they start when runs need them. */
  size: number;
  /** CPU time one run segment may use (RUN_SEGMENT_CPU_MS). */
  segmentCpuMs: number;
  /** Times a run is started again on a new worker after its worker was lost. */
  maxRestarts?: number;
  /** Node flags for the workers; by default the process's own (so tsx works in tests). */
  execArgv?: string[];
}

const defaultMaxRestarts = 3;

/**
 * The engine in worker threads: runs and dry-runs never execute on the thread that answers
 * requests. A watchdog on this thread stops a worker whose current run segment has used more
 * CPU time than the bound: that run fails (CPU_LIMIT_EXCEEDED, naming the node), the other runs
 * of the worker start again on another worker from their latest checkpoint, and a new worker
 * takes its place. Cancellation is forwarded to the worker as a message.
 */
export class WorkerPoolEngineHost implements EngineHost {
  private readonly workers = new Set<PoolWorker>();
  private readonly watchdog: CpuWatchdog;
  private readonly maxRestarts: number;
  private nextToken = 1;
  private nextWorkerId = 1;
  private closed = false;
  private readonly unsettled = new Set<PooledRun>();

  constructor(
    private readonly options: WorkerPoolOptions,
    private readonly clock: Clock,
    private readonly logger: Logger,
  ) {
    if (!Number.isInteger(options.size) || options.size < 1) {
      throw new RangeError(`size must be a positive integer, not ${options.size}`);
    }
    this.maxRestarts = options.maxRestarts ?? defaultMaxRestarts;
    this.watchdog = new CpuWatchdog(
      options.segmentCpuMs,
      () => this.workers,
      (worker, reading, cpuMs) => this.exceeded(worker, reading, cpuMs),
    );
    this.watchdog.start();
  }

  /** Worker threads running now. */
  get threads(): number {
    return this.workers.size;
  }

  /** Worker threads that finished loading and take runs. */
  get readyThreads(): number {
    let ready = 0;
    for (const worker of this.workers) if (worker.ready) ready++;
    return ready;
  }

  run(workflow: WorkflowVersionRef, options: HostedRunOptions): HostedRun {
    const { signal, onNodeFinished, ...portable } = options;
    let run: PooledRun | undefined;
    const result = new Promise<EngineResult>((resolve, reject) => {
      run = this.newRun(workflow, portable, signal, onNodeFinished, {
        mode: "live",
        resolve,
        reject,
      });
    });
    const created = run as unknown as PooledRun;
    this.submit(created);
    return { result, takeCheckpoint: () => created.checkpoint };
  }

  dryRun(workflow: WorkflowVersionRef, options: DryRunOptions): Promise<DryRun> {
    const { signal, onEvent: _events, ...portable } = options;
    return new Promise<DryRun>((resolve, reject) => {
      this.submit(
        this.newRun(workflow, portable, signal, undefined, { mode: "dry_run", resolve, reject }),
      );
    });
  }

  async close(graceMs: number): Promise<void> {
    // Runs submitted during the grace period are accepted: the caller is aborting its runs,
    // and a run it launched a moment ago must end aborted, not refused.
    const deadline = this.clock.now() + graceMs;
    while (this.unsettled.size > 0) {
      const left = deadline - this.clock.now();
      if (left <= 0) break;
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([
        Promise.all([...this.unsettled].map((run) => run.done)),
        new Promise<void>((resolve) => {
          timer = setTimeout(resolve, left);
        }),
      ]);
      clearTimeout(timer);
    }
    this.closed = true;
    this.watchdog.stop();
    const workers = [...this.workers];
    this.workers.clear();
    for (const run of this.unsettled) {
      this.end(run, {
        status: "cancelled",
        errorReason: null,
        errorMessage: "the service stopped before the run ended",
        errorNodeId: null,
      });
    }
    await Promise.all(workers.map((worker) => worker.terminate()));
  }

  private newRun(
    workflow: WorkflowVersionRef,
    options: PortableRunOptions,
    signal: AbortSignal | undefined,
    onNodeFinished: HostedRunOptions["onNodeFinished"],
    settle: ConstructorParameters<typeof PooledRun>[5],
  ): PooledRun {
    const token = this.nextToken;
    this.nextToken = this.nextToken >= 0x7fffffff ? 1 : this.nextToken + 1;
    const run = new PooledRun(
      token,
      workflow,
      options,
      signal,
      onNodeFinished,
      settle,
      this.clock.now(),
      (aborted) =>
        this.worker(aborted)?.post({
          type: "abort",
          token: aborted.token,
          reason: portableReason(aborted.signal?.reason),
        }),
    );
    this.unsettled.add(run);
    run.done.then(() => this.unsettled.delete(run));
    return run;
  }

  private worker(run: PooledRun): PoolWorker | undefined {
    for (const worker of this.workers) if (worker.runs.has(run.token)) return worker;
    return undefined;
  }

  private submit(run: PooledRun): void {
    if (this.closed) {
      run.fail(new DomainError("unavailable", "UNAVAILABLE", "server is shutting down"));
      return;
    }
    const worker = this.pick();
    run.starts++;
    worker.runs.set(run.token, run);
    worker.post(run.startMessage());
  }

  /** The least busy worker; a new one while every worker has work and the pool is not full. */
  private pick(): PoolWorker {
    let best: PoolWorker | null = null;
    for (const worker of this.workers) {
      if (best === null || worker.runs.size < best.runs.size) best = worker;
    }
    if (best !== null && (best.runs.size === 0 || this.workers.size >= this.options.size)) {
      return best;
    }
    const worker = new PoolWorker(
      this.options.workerUrl,
      this.nextWorkerId++,
      {
        message: (from, message) => this.onMessage(from, message),
        exit: (from, error) => this.onExit(from, error),
      },
      this.options.setup,
      this.options.execArgv,
    );
    this.workers.add(worker);
    return worker;
  }

  private onMessage(worker: PoolWorker, message: FromWorker): void {
    if (message.type === "ready") return;
    const run = worker.runs.get(message.token);
    if (run === undefined) return;
    switch (message.type) {
      case "records":
        run.deliver(message.records, message.checkpoint);
        return;
      case "finished":
        worker.runs.delete(run.token);
        run.finish(message.result, message.checkpoint);
        return;
      case "dry_run_finished":
        worker.runs.delete(run.token);
        run.finishDryRun(message.dryRun);
        return;
      case "failed":
        worker.runs.delete(run.token);
        if (message.error.detail !== null) {
          this.logger.error(
            {
              event_type: "ERROR",
              detail: message.error.detail,
              workflow_id: run.workflow.workflowId,
            },
            "engine worker failed while running a workflow",
          );
        }
        run.fail(fromPortableError(message.error));
        return;
    }
  }

  private onExit(worker: PoolWorker, error: Error | null): void {
    this.workers.delete(worker);
    if (worker.stopping) return;
    this.logger.error(
      { event_type: "ERROR", err: error, worker: worker.id, runs: worker.runs.size },
      "engine worker stopped unexpectedly; its runs start again on another worker",
    );
    const runs = [...worker.runs.values()];
    worker.runs.clear();
    for (const run of runs) this.restart(run);
  }

  /** The watchdog's verdict: stop the worker, fail the run that computed, restart the others. */
  private exceeded(worker: PoolWorker, reading: SlotReading, cpuMs: number): void {
    this.workers.delete(worker);
    void worker.terminate();
    const runs = [...worker.runs.values()];
    worker.runs.clear();
    const culprit = runs.find((run) => run.token === reading.token);
    const bound = this.options.segmentCpuMs;
    const nodeId =
      reading.node === null
        ? null
        : (culprit?.workflow.definition.nodes[reading.node.index]?.nodeId ?? null);
    this.logger.warn(
      {
        event_type: "SYSTEM",
        action: "engine_worker_replaced",
        result: "FAILURE",
        worker: worker.id,
        cpu_ms: cpuMs,
        limit_ms: bound,
        workflow_id: culprit?.workflow.workflowId ?? null,
        execution_id: culprit?.executionId ?? null,
        node_id: nodeId,
        other_runs: runs.length - (culprit === undefined ? 0 : 1),
      },
      "a run exceeded its CPU-time bound; its worker was replaced",
    );
    for (const run of runs) {
      if (run !== culprit) this.restart(run);
    }
    if (culprit === undefined) return;
    if (culprit.mode === "dry_run") {
      culprit.fail(
        new DomainError(
          "limit_exceeded",
          "CPU_LIMIT_EXCEEDED",
          cpuLimitMessage("dry-run", bound, nodeId),
          {
            metadata: { limit_ms: String(bound), ...(nodeId === null ? {} : { node_id: nodeId }) },
          },
        ),
      );
      return;
    }
    const message = cpuLimitMessage("run", bound, nodeId);
    const now = this.clock.now();
    if (reading.node !== null && nodeId !== null) {
      culprit.deliver(
        [cpuLimitRecord(culprit.workflow, reading.node, message, now)],
        culprit.checkpoint,
      );
    }
    this.end(culprit, {
      status: "failed",
      errorReason: "CPU_LIMIT_EXCEEDED",
      errorMessage: message,
      errorNodeId: nodeId,
    });
  }

  /** A run whose worker was lost starts again elsewhere, from its latest checkpoint. */
  private restart(run: PooledRun): void {
    if (run.settled) return;
    if (!run.resumable) {
      this.end(run, {
        status: "failed",
        errorReason: "EXECUTION_ERROR",
        errorMessage:
          "interrupted: the engine worker running this execution was replaced while the execution was inside a loop, where it cannot resume",
        errorNodeId: null,
      });
      return;
    }
    if (run.starts > this.maxRestarts) {
      run.fail(
        new DomainError(
          "internal",
          "INTERNAL_ERROR",
          "the engine worker running this workflow was lost repeatedly",
        ),
      );
      return;
    }
    this.submit(run);
  }

  private end(run: PooledRun, end: HostEnd): void {
    if (run.mode === "dry_run") {
      run.fail(
        end.errorReason === "CPU_LIMIT_EXCEEDED"
          ? new DomainError("limit_exceeded", end.errorReason, end.errorMessage)
          : new DomainError("unavailable", "UNAVAILABLE", end.errorMessage),
      );
      return;
    }
    run.finish(hostEndedResult(run, end, this.clock.now()), run.checkpoint);
  }
}
