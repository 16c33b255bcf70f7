import type { Clock } from "../../ports/clock.js";
import type { Frame } from "./frame.js";
import type { RunControl } from "./run-control.js";
import type { RunLimits } from "./run-limits.js";
import type { RunRecords } from "./run-records.js";
import type { RunWaits } from "./run-waits.js";

/**
 * A synchronous stretch yields to the event loop (timers, I/O, cancellation) after this many
 * node starts, or sooner once it has lasted YIELD_AFTER_MS on the run's clock. The deadline is
 * not left to the yields: it is checked on every operation (node start, loop iteration).
 */
const YIELD_EVERY = 1024;
const YIELD_AFTER_MS = 10;

export type StartNode = (frame: Frame, local: number) => void;

/**
 * The ready queue and the pump that drains it: ready nodes start in the order they became ready,
 * at most maxParallelNodes asynchronous ones at a time, and a long synchronous stretch yields to
 * the event loop now and then. The run completes when the pump finds every top-level node settled.
 */
export class Scheduler {
  /** Asynchronous nodes in flight. */
  running = 0;
  /** Clock reading at the latest node start (the node runner reads the clock there anyway). */
  lastStartMs = 0;
  private queueFrames: Frame[] = [];
  private queueLocals: number[] = [];
  private head = 0;
  private pumping = false;
  private yielding = false;
  private syncSteps = 0;
  /** Clock reading when the current synchronous stretch began. */
  private sliceStartMs = 0;
  private readonly maxParallel: number;

  constructor(
    private readonly control: RunControl,
    private readonly limits: RunLimits,
    private readonly records: RunRecords,
    private readonly root: Frame,
    private readonly clock: Clock,
    private readonly waits: RunWaits,
    private readonly startNode: StartNode,
  ) {
    this.maxParallel = limits.values.maxParallelNodes;
  }

  enqueue(frame: Frame, local: number): void {
    this.queueFrames.push(frame);
    this.queueLocals.push(local);
  }

  /** Starts ready nodes until none is left, the parallel cap is reached or it is time to yield. */
  pump(): void {
    if (this.pumping || this.yielding) return;
    this.pumping = true;
    this.sliceStartMs = this.clock.now();
    try {
      while (
        !this.control.closed &&
        this.records.listenerError === null &&
        this.head < this.queueFrames.length &&
        this.running < this.maxParallel
      ) {
        const frame = this.queueFrames[this.head] as Frame;
        const local = this.queueLocals[this.head] as number;
        this.head++;
        if (this.head === this.queueFrames.length) {
          this.queueFrames = [];
          this.queueLocals = [];
          this.head = 0;
        }
        this.startNode(frame, local);
        if (
          (++this.syncSteps >= YIELD_EVERY ||
            this.lastStartMs - this.sliceStartMs >= YIELD_AFTER_MS) &&
          !this.control.closed
        ) {
          this.syncSteps = 0;
          this.yieldToEventLoop();
          break;
        }
      }
    } catch (error) {
      this.control.crash(error);
    } finally {
      this.pumping = false;
    }
    this.finishIfDone();
  }

  private yieldToEventLoop(): void {
    this.yielding = true;
    this.limits.armTimers();
    this.clock.sleep(0, this.control.signal()).then(
      () => {
        this.yielding = false;
        if (this.control.closed) return;
        if (this.clock.now() >= this.limits.deadline) {
          this.limits.timeout();
          return;
        }
        this.pump();
      },
      () => {
        this.yielding = false;
      },
    );
  }

  private finishIfDone(): void {
    if (this.control.closed) return;
    if (this.records.listenerError !== null)
      this.control.stop("failed", "INTERNAL_ERROR", this.records.listenerError, null);
    else if (this.root.unsettled === 0) this.control.stop("completed", null, null, null);
    else if (
      this.running === 0 &&
      !this.yielding &&
      this.head >= this.queueFrames.length &&
      this.waits.canStop()
    )
      // Only parked nodes are left: the run waits in the database, not in memory.
      this.control.stop("waiting", null, null, null);
  }
}
