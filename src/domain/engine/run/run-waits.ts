import type { EngineWait, WaitEntry } from "../engine-types.js";
import type { Frame } from "./frame.js";

/**
 * Durable waits of one run. A top-level node whose wait is long enough parks: it stays
 * running in its frame, is listed here, and once nothing else can make progress the run stops
 * with status "waiting" (the checkpoint carries these entries). A run resumed from such a
 * checkpoint hands each node its entry back when it starts again, so the wait continues with
 * its original deadline instead of starting over.
 */
export class RunWaits {
  private readonly parked = new Map<string, WaitEntry>();
  private readonly resumed = new Map<string, WaitEntry>();

  constructor(
    /** RunOptions.parking.minWaitMs, or null when this run never parks. */
    private readonly minWaitMs: number | null,
    private readonly root: Frame,
    /** Loops iterating now: no checkpoint can be taken then, so nothing parks. */
    private readonly loopsActive: () => number,
    resume: readonly WaitEntry[] | undefined,
  ) {
    for (const entry of resume ?? []) this.resumed.set(entry.nodeId, entry);
  }

  get count(): number {
    return this.parked.size;
  }

  /** The shortest wait that parks a node of `frame` now, or null when it cannot park. */
  parkAfterMs(frame: Frame): number | null {
    if (this.minWaitMs === null || frame !== this.root || this.loopsActive() > 0) return null;
    return this.minWaitMs;
  }

  park(entry: WaitEntry): void {
    this.parked.set(entry.nodeId, entry);
  }

  /** The wait a node parked on before the run was resumed, once (the node starts again). */
  takeResumed(frame: Frame, nodeId: string): WaitEntry | undefined {
    if (frame !== this.root) return undefined;
    const entry = this.resumed.get(nodeId);
    if (entry !== undefined) this.resumed.delete(nodeId);
    return entry;
  }

  /** Whether the run may stop as waiting: something parked and no loop between checkpoints. */
  canStop(): boolean {
    return this.parked.size > 0 && this.loopsActive() === 0;
  }

  /** For the checkpoint: parked nodes and resumed ones that have not started again yet. */
  entries(): WaitEntry[] {
    return [...this.resumed.values(), ...this.parked.values()];
  }

  summary(): EngineWait {
    let wakeAtMs = Number.POSITIVE_INFINITY;
    for (const entry of this.parked.values()) wakeAtMs = Math.min(wakeAtMs, entry.wakeAtMs);
    return { reason: "timer", wakeAtMs, nodeIds: [...this.parked.keys()] };
  }
}
