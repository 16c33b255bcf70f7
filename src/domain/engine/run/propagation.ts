import type { JsonValue } from "../../json.js";
import type { CompiledEdge, CompiledNode, CompiledWorkflow } from "../compile-workflow.js";
import { COMPLETED, FAILED, type Frame, PENDING, READY, SKIPPED } from "./frame.js";
import type { ParallelRegions } from "./parallel-regions.js";
import type { RunRecords } from "./run-records.js";
import type { Scheduler } from "./scheduler.js";

/**
 * Joins and dead paths. Settling a node resolves its outgoing edges: edges from the port it
 * fired on fire, all others are dead. A node whose inputs have all resolved becomes ready if one
 * fired (a flow_merge as soon as its required number did), else it is skipped, which kills its
 * own edges in turn. A skip stack keeps dead-path elimination iterative, however long the path.
 */
export class Propagation {
  /** Top-level nodes in the order they settled (a checkpoint lists them in that order). */
  readonly rootOrder: number[] = [];
  /** While a checkpoint is replayed, settlements are restored without records or loop ends. */
  replaying = false;
  private readonly skipFrames: Frame[] = [];
  private readonly skipLocals: number[] = [];

  constructor(
    private readonly workflow: CompiledWorkflow,
    private readonly root: Frame,
    private readonly scheduler: Scheduler,
    private readonly records: RunRecords,
    private readonly regions: ParallelRegions,
    /** A loop body frame has settled every node of its iteration. */
    private readonly bodyDone: (body: Frame) => void,
  ) {}

  /** Records a node's final status and resolves its outgoing edges, then the dead paths. */
  settle(
    frame: Frame,
    local: number,
    status: number,
    port: string | null,
    output: JsonValue,
  ): void {
    this.settleOne(frame, local, status, port, output);
    while (this.skipLocals.length > 0) {
      const f = this.skipFrames.pop() as Frame;
      const l = this.skipLocals.pop() as number;
      this.settleOne(f, l, SKIPPED, null, null);
    }
  }

  /** Skips a node that will not run (with a record saying why) and kills its edges. */
  skip(frame: Frame, local: number, why: string): void {
    const node = this.workflow.nodes[frame.plan.members[local] as number] as CompiledNode;
    this.recordSkip(frame, node, why);
    this.settle(frame, local, SKIPPED, null, null);
  }

  /** Nodes left with only dead inputs go on the skip stack, so this never recurses. */
  private settleOne(f: Frame, l: number, s: number, p: string | null, out: JsonValue): void {
    const node = this.workflow.nodes[f.plan.members[l] as number] as CompiledNode;
    f.status[l] = s;
    f.unsettled--;
    f.outs[l] = out;
    f.ports[l] = p;
    // Only running nodes need their record (to cancel it); letting go keeps records short-lived.
    f.records[l] = undefined;
    f.arrivals[l] = undefined;
    if (f === this.root) this.rootOrder.push(l);
    if (f.watches !== null) this.regions.settled(f, node);
    const fires = s === COMPLETED || s === FAILED;
    const edges = node.out;
    for (let i = 0; i < edges.length; i++) {
      const edge = edges[i] as CompiledEdge;
      const target = this.workflow.nodes[edge.to] as CompiledNode;
      const tl = target.local;
      if (f.status[tl] !== PENDING) continue;
      const pending = (f.pending[tl] as number) - 1;
      f.pending[tl] = pending;
      let firedCount = f.fired[tl] as number;
      const fired = fires && edge.port === p;
      if (fired) {
        firedCount++;
        f.fired[tl] = firedCount;
        f.arrivals[tl] = { from: node.id, value: out, next: f.arrivals[tl] };
      }
      const required = target.inputsRequired;
      if (fired && required > 0 && firedCount === required) {
        f.status[tl] = READY;
        this.scheduler.enqueue(f, tl);
      } else if (pending === 0) {
        if (firedCount > 0 && required <= 0) {
          f.status[tl] = READY;
          this.scheduler.enqueue(f, tl);
        } else {
          const why =
            firedCount > 0
              ? `only ${firedCount} of the ${required} required inputs arrived`
              : "no incoming branch was taken";
          f.status[tl] = SKIPPED;
          this.recordSkip(f, target, why);
          this.skipFrames.push(f);
          this.skipLocals.push(tl);
        }
      }
    }
    if (f.unsettled === 0 && f !== this.root && !this.replaying) this.bodyDone(f);
  }

  private recordSkip(frame: Frame, node: CompiledNode, why: string): void {
    if (this.replaying) return;
    this.records.notRun(frame, node, "skipped", `skipped: ${why}`);
  }
}
