import { Worker } from "node:worker_threads";
import type { PooledRun } from "./pooled-run.js";
import type { FromWorker, ToWorker, WorkerBoot } from "./worker-protocol.js";
import { WorkerSlots } from "./worker-slots.js";

export interface PoolWorkerEvents {
  message(worker: PoolWorker, message: FromWorker): void;
  /** The thread ended: stopped by the pool, or on its own (crash, out of memory). */
  exit(worker: PoolWorker, error: Error | null): void;
}

/** One engine worker thread as the pool sees it: its runs, its slots, the watchdog's state. */
export class PoolWorker {
  readonly slots = WorkerSlots.create();
  readonly runs = new Map<number, PooledRun>();
  /** The worker loaded its modules and reads messages (until then its CPU time is not watched). */
  ready = false;
  /** Set once the pool decided to stop it: its messages are ignored from then on. */
  stopping = false;
  /** The watchdog's latest reading of the beat, and whether a CPU-time probe is in flight. */
  lastBeat = -1;
  probing = false;
  private readonly thread: Worker;
  private exited = false;
  private lastError: Error | null = null;

  constructor(
    url: URL,
    readonly id: number,
    events: PoolWorkerEvents,
    setup: unknown,
    execArgv: string[] | undefined,
  ) {
    const boot: WorkerBoot = { slots: this.slots.buffer, setup };
    this.thread = new Worker(url, {
      workerData: boot,
      name: `engine-${id}`,
      ...(execArgv === undefined ? {} : { execArgv }),
    });
    this.thread.on("message", (message: FromWorker) => {
      if (this.stopping) return;
      if (message.type === "ready") {
        this.ready = true;
        this.lastBeat = this.slots.read().beat;
      }
      events.message(this, message);
    });
    this.thread.on("error", (error) => {
      this.lastError = error;
    });
    this.thread.on("exit", () => {
      this.exited = true;
      events.exit(this, this.lastError);
    });
  }

  post(message: ToWorker): void {
    if (!this.stopping && !this.exited) this.thread.postMessage(message);
  }

  /** CPU time the thread has used, in microseconds. */
  async cpuTimeUs(): Promise<number> {
    const usage = await this.thread.cpuUsage();
    return usage.user + usage.system;
  }

  /** Stops the thread at once, also in the middle of a computation. */
  async terminate(): Promise<void> {
    this.stopping = true;
    if (!this.exited) await this.thread.terminate();
  }
}
