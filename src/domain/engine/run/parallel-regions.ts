import type { Clock } from "../../ports/clock.js";
import type { CompiledNode, CompiledWorkflow } from "../compile-workflow.js";
import { type Frame, RUNNING } from "./frame.js";
import type { RunControl } from "./run-control.js";
import type { RunLimits } from "./run-limits.js";

/**
 * The timed branches of flow_parallel nodes: once a parallel node completes, a timer runs until
 * the last node of its branches settles; if it fires first, the run fails EXECUTION_TIMEOUT.
 */
export class ParallelRegions {
  constructor(
    private readonly workflow: CompiledWorkflow,
    private readonly control: RunControl,
    private readonly limits: RunLimits,
    private readonly clock: Clock,
  ) {}

  /** Starts the timer of the parallel node `node`, which just completed in `frame`. */
  watch(frame: Frame, node: CompiledNode): void {
    let remaining = 0;
    for (let l = 0; l < frame.plan.members.length; l++) {
      const member = this.workflow.nodes[frame.plan.members[l] as number] as CompiledNode;
      if (member.regions.includes(node.index) && (frame.status[l] as number) <= RUNNING)
        remaining++;
    }
    if (remaining === 0) return;
    const stop = new AbortController();
    frame.watches ??= new Map();
    frame.watches.set(node.index, { remaining, stop });
    this.limits.armTimers();
    const timeoutMs = (node.config as { timeoutMs: number }).timeoutMs;
    this.clock.sleep(timeoutMs, stop.signal).then(
      () => {
        if (this.control.closed || frame.watches?.get(node.index)?.stop !== stop) return;
        this.control.stop(
          "failed",
          "EXECUTION_TIMEOUT",
          `the branches of "${node.id}" did not finish within ${timeoutMs} ms`,
          node.id,
        );
      },
      () => {},
    );
  }

  /** `node` settled in `frame`: the regions it belongs to have one node less to wait for. */
  settled(frame: Frame, node: CompiledNode): void {
    if (frame.watches === null || node.regions.length === 0) return;
    for (const p of node.regions) {
      const watch = frame.watches.get(p);
      if (watch === undefined) continue;
      if (--watch.remaining === 0) {
        watch.stop.abort();
        frame.watches.delete(p);
      }
    }
  }

  /** The run stopped: no region timer may fire any more. */
  stopAll(frames: Iterable<Frame>): void {
    for (const frame of frames) {
      for (const watch of frame.watches?.values() ?? []) watch.stop.abort();
    }
  }
}
