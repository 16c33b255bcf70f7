import type { DryRun } from "../../domain/engine/dry-run.js";
import type { EngineCheckpoint, EngineResult } from "../../domain/engine/engine-types.js";
import type { NodeRun } from "../../domain/execution/node-run.js";
import type { WorkflowVersionRef } from "../../ports/engine-host.js";
import { type PortableRunOptions, portableReason, type ToWorker } from "./worker-protocol.js";

type Settle =
  | { mode: "live"; resolve: (result: EngineResult) => void; reject: (error: unknown) => void }
  | { mode: "dry_run"; resolve: (dryRun: DryRun) => void; reject: (error: unknown) => void };

/**
 * A run on the main thread's side of the pool: what to send a worker (again, from the latest
 * checkpoint, when its worker was replaced), the records and checkpoint received so far, and
 * how to settle its promise.
 */
export class PooledRun {
  /** Latest checkpoint received; covers every record delivered (null inside a loop). */
  checkpoint: EngineCheckpoint | null;
  /** Latest non-null checkpoint: the state a failure reports. */
  lastCheckpoint: EngineCheckpoint | null;
  /** Node records delivered to the caller. */
  delivered = 0;
  readonly counts = { completed: 0, failed: 0, skipped: 0, cancelled: 0 };
  /** Times it was sent to a worker. */
  starts = 0;
  readonly startedAt: Date;
  settled = false;
  /** Resolves once the run has settled, however it ended. */
  readonly done: Promise<void>;
  private markDone: () => void = () => undefined;
  private readonly stopListening: () => void;

  constructor(
    readonly token: number,
    readonly workflow: WorkflowVersionRef,
    private readonly options: PortableRunOptions,
    readonly signal: AbortSignal | undefined,
    private readonly onNodeFinished: ((nodeRun: NodeRun) => void) | undefined,
    private readonly settle: Settle,
    now: number,
    onAbort: (run: PooledRun) => void,
  ) {
    this.done = new Promise<void>((resolve) => {
      this.markDone = resolve;
    });
    this.checkpoint = options.resume ?? null;
    this.lastCheckpoint = this.checkpoint;
    this.startedAt = new Date(now);
    const listener = () => onAbort(this);
    signal?.addEventListener("abort", listener, { once: true });
    this.stopListening = () => signal?.removeEventListener("abort", listener);
  }

  get mode(): "live" | "dry_run" {
    return this.settle.mode;
  }

  get executionId(): string {
    return this.options.context.executionId;
  }

  /** Sent from the start, or from the latest checkpoint once records were delivered. */
  startMessage(): Extract<ToWorker, { type: "start" }> {
    const resume = this.delivered > 0 ? this.checkpoint : (this.options.resume ?? null);
    const { resume: _original, ...options } = this.options;
    return {
      type: "start",
      token: this.token,
      mode: this.mode,
      workflow: this.workflow,
      options: resume === null ? options : { ...options, resume },
      aborted: this.signal?.aborted ? portableReason(this.signal.reason) : null,
    };
  }

  /** A live run that delivered records while inside a loop cannot start again. */
  get resumable(): boolean {
    return this.mode === "dry_run" || this.delivered === 0 || this.checkpoint !== null;
  }

  deliver(records: readonly NodeRun[], checkpoint: EngineCheckpoint | null): void {
    if (this.settled) return;
    this.checkpoint = checkpoint;
    if (checkpoint !== null) this.lastCheckpoint = checkpoint;
    for (const record of records) {
      this.delivered++;
      const status = record.status;
      if (
        status === "completed" ||
        status === "failed" ||
        status === "skipped" ||
        status === "cancelled"
      ) {
        this.counts[status]++;
      }
      this.onNodeFinished?.(record);
    }
  }

  finish(result: EngineResult, checkpoint: EngineCheckpoint | null): void {
    if (this.settled || this.settle.mode !== "live") return;
    this.checkpoint = checkpoint;
    this.end();
    this.settle.resolve(result);
  }

  finishDryRun(dryRun: DryRun): void {
    if (this.settled || this.settle.mode !== "dry_run") return;
    this.end();
    this.settle.resolve(dryRun);
  }

  fail(error: unknown): void {
    if (this.settled) return;
    this.end();
    this.settle.reject(error);
  }

  private end(): void {
    this.settled = true;
    this.stopListening();
    this.markDone();
  }
}
