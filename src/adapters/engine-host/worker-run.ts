import type { CompiledWorkflow } from "../../domain/engine/compile-workflow.js";
import type { EngineEvent, RunHandle } from "../../domain/engine/engine-types.js";
import type { NodeRun } from "../../domain/execution/node-run.js";
import type { SlotNode, WorkerSlots } from "./worker-slots.js";

/**
 * One run inside an engine worker: its abort controller, the nodes it has running (the newest
 * is the one named when the run exceeds its CPU-time bound), and its node records not yet
 * posted to the main thread.
 */
export class WorkerRun {
  readonly controller = new AbortController();
  handle: RunHandle | null = null;
  private readonly running: SlotNode[] = [];
  private pending: NodeRun[] = [];

  constructor(
    readonly token: number,
    readonly live: boolean,
    private readonly workflow: CompiledWorkflow,
    private readonly slots: WorkerSlots,
    private readonly cpuTimeUs: () => number,
    private readonly onRecords: (run: WorkerRun, now: boolean) => void,
  ) {}

  /** This run executes from here on (a new segment starts). */
  enter(): void {
    this.slots.enter(this.token, this.running.at(-1) ?? null, this.cpuTimeUs());
  }

  onEvent(event: EngineEvent): void {
    if (event.type === "node_started") {
      const record = event.nodeRun;
      const index = this.workflow.nodeIndex.get(record.nodeId) ?? 0;
      // Records waiting go out before the node computes, so that a node that computes long
      // (and may be stopped) finds the ones before it stored. Between two node starts the
      // run's state is consistent, so the checkpoint taken with them covers them. Not before
      // a loop: as in-process, records that finished just before a loop are stored with the
      // loop running, so with no checkpoint (a run is never resumed to just before a loop).
      const isLoop = (this.workflow.nodes[index]?.bodyFrame ?? -1) >= 0;
      if (this.pending.length > 0 && this.handle !== null && !isLoop) this.onRecords(this, true);
      this.running.push({
        index,
        sequence: record.sequence,
        attempt: record.attempt,
        startedAtMs: record.startedAt?.getTime() ?? 0,
      });
      this.enter();
    } else if (event.type === "node_finished") {
      const at = this.running.findIndex((node) => node.sequence === event.nodeRun.sequence);
      if (at >= 0) this.running.splice(at, 1);
      if (this.live) {
        this.pending.push(event.nodeRun);
        if (this.pending.length === 1) this.onRecords(this, false);
      }
    }
  }

  /** The records not posted yet. */
  takeRecords(): NodeRun[] {
    const records = this.pending;
    this.pending = [];
    return records;
  }
}
