import type { NodeRun } from "../../domain/execution/node-run.js";
import type { JsonValue } from "../../domain/json.js";
import type { Clock } from "../../ports/clock.js";
import type { ExecutionEventBus } from "../../ports/execution-event-bus.js";
import type { ExecutionRepository } from "../../ports/execution-repository.js";

/**
 * Persists the node runs of one execution in batches: runs reported while a write is in flight
 * go into the next write. Watchers are told about a run only after it is stored, so nothing a
 * client saw can be lost in a crash.
 */
export class NodeRunWriter {
  private pending: NodeRun[] = [];
  private writing: Promise<void> | null = null;
  private failure: unknown = null;

  constructor(
    private readonly executionId: string,
    private readonly executions: ExecutionRepository,
    private readonly bus: ExecutionEventBus,
    private readonly clock: Clock,
    private readonly checkpoint: () => JsonValue | null,
  ) {}

  add(run: NodeRun): void {
    this.pending.push(run);
    if (this.writing === null) {
      this.writing = new Promise<void>((resolve) => setImmediate(resolve)).then(() => this.drain());
    }
  }

  /** Waits until every reported run is stored; rethrows a write failure. */
  async flush(): Promise<void> {
    while (this.writing !== null) await this.writing;
    if (this.pending.length > 0) await this.drain();
    if (this.failure !== null) throw this.failure;
  }

  private async drain(): Promise<void> {
    try {
      while (this.pending.length > 0 && this.failure === null) {
        const batch = this.pending;
        this.pending = [];
        // Taken synchronously with the batch, so it covers exactly the runs being written.
        const checkpoint = this.checkpoint();
        await this.executions.appendNodeRuns(this.executionId, batch, checkpoint);
        const time = this.clock.now();
        for (const nodeRun of batch) {
          this.bus.publish({ kind: "node_run", executionId: this.executionId, time, nodeRun });
        }
      }
    } catch (error) {
      this.failure = error;
    } finally {
      this.writing = null;
    }
  }
}
