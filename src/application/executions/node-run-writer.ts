import type { NodeRun } from "../../domain/execution/node-run.js";
import type { JsonValue } from "../../domain/json.js";
import type { Clock } from "../../domain/ports/clock.js";
import type { ExecutionEventBus } from "../../ports/execution-event-bus.js";
import type { ExecutionRepository, Fence } from "../../ports/execution-repository.js";

/**
 * Persists the node runs of one execution in batches while it runs: runs reported while a write
 * is in flight go into the next write. Watchers are told about a run only after it is stored,
 * so nothing a client saw can be lost in a crash. When the run ends, `close` hands back what is
 * not stored yet, so the last runs can be written together with the terminal state.
 *
 * Every write carries the claim's fence. A write the database refuses because another claim
 * took the run ("lease lost") calls `onLeaseLost` at once and the writer writes nothing more.
 */
export class NodeRunWriter {
  private pending: NodeRun[] = [];
  private writing: Promise<void> | null = null;
  private closed = false;
  private failure: unknown = null;
  private lost = false;

  constructor(
    private readonly executionId: string,
    private readonly fence: Fence,
    private readonly executions: ExecutionRepository,
    private readonly bus: ExecutionEventBus,
    private readonly clock: Clock,
    private readonly checkpoint: () => JsonValue | null,
    private readonly onLeaseLost: () => void,
  ) {}

  /** True once a write found the run under another claim. */
  get leaseLost(): boolean {
    return this.lost;
  }

  add(run: NodeRun): void {
    this.pending.push(run);
    if (this.writing === null && !this.closed) {
      this.writing = new Promise<void>((resolve) => setImmediate(resolve)).then(() => this.drain());
    }
  }

  /**
   * Stops writing in the background: waits for the write in flight, rethrows a write failure,
   * and returns the runs not stored yet. The caller stores them (`store`, or with the terminal
   * state followed by `published`).
   */
  async close(): Promise<NodeRun[]> {
    this.closed = true;
    while (this.writing !== null) await this.writing;
    if (this.failure !== null) throw this.failure;
    const rest = this.pending;
    this.pending = [];
    return this.lost ? [] : rest;
  }

  /** Stores runs with the current checkpoint, then tells watchers. */
  async store(runs: NodeRun[]): Promise<void> {
    if (runs.length === 0 || this.lost) return;
    // Taken synchronously with the batch, so it covers exactly the runs being written.
    const checkpoint = this.checkpoint();
    const written = await this.executions.appendNodeRuns(
      this.executionId,
      runs,
      checkpoint,
      this.fence,
    );
    if (!written) {
      this.lost = true;
      this.pending = [];
      this.onLeaseLost();
      return;
    }
    this.published(runs);
  }

  /** Tells watchers about runs that are stored. */
  published(runs: readonly NodeRun[]): void {
    const time = new Date(this.clock.now());
    for (const nodeRun of runs) {
      this.bus.publish({ kind: "node_run", executionId: this.executionId, time, nodeRun });
    }
  }

  private async drain(): Promise<void> {
    try {
      while (this.pending.length > 0 && this.failure === null && !this.closed && !this.lost) {
        const batch = this.pending;
        this.pending = [];
        await this.store(batch);
      }
    } catch (error) {
      this.failure = error;
    } finally {
      this.writing = null;
    }
  }
}
