import type { Clock } from "../../ports/clock.js";
import type { CompiledNode, FramePlan } from "../compile-workflow.js";
import type { EngineLimits } from "../engine-types.js";
import type { RunControl } from "./run-control.js";

/**
 * The run's limits as it goes: the deadline (checked on every operation, and by a timer once the
 * run waits on something), the count of operations (node runs and loop iterations), and the
 * loop limits.
 */
export class RunLimits {
  /** Clock reading when this start of the run began. */
  readonly startedAtMs: number;
  readonly deadline: number;
  operations = 0;
  private timersArmed = false;

  constructor(
    readonly values: EngineLimits,
    /** Time the run had already taken before it was resumed. */
    readonly elapsedBefore: number,
    private readonly clock: Clock,
    private readonly control: RunControl,
  ) {
    this.startedAtMs = clock.now();
    this.deadline = this.startedAtMs + values.timeoutMs - elapsedBefore;
  }

  /**
   * Every operation (node start, loop iteration) first checks the run's deadline, so a long
   * synchronous stretch ends EXECUTION_TIMEOUT as soon as it is past, not at the next yield.
   * Returns false when a limit stopped the run.
   */
  countOperation(node: CompiledNode, nowMs: number): boolean {
    if (nowMs >= this.deadline) {
      this.timeout();
      return false;
    }
    if (++this.operations > this.values.maxTotalOperations) {
      this.control.stop(
        "failed",
        "OPERATION_LIMIT_EXCEEDED",
        `the execution exceeded ${this.values.maxTotalOperations} node operations`,
        node.id,
      );
      return false;
    }
    return true;
  }

  /** The run-wide timeout needs a timer only once the run waits on something. */
  armTimers(): void {
    if (this.timersArmed || this.control.closed) return;
    this.timersArmed = true;
    const remaining = Math.max(0, this.deadline - this.clock.now());
    this.clock.sleep(remaining, this.control.signal()).then(
      () => this.timeout(),
      () => {},
    );
  }

  timeout(): void {
    this.control.stop(
      "failed",
      "EXECUTION_TIMEOUT",
      `the execution exceeded its timeout of ${this.values.timeoutMs} ms`,
      null,
    );
  }

  /** Iterations one loop may run: its node's max_iterations, within the service's cap. */
  loopIterations(node: CompiledNode): number {
    const nodeMax = (node.config as { maxIterations: number }).maxIterations;
    return Math.min(nodeMax, this.values.maxLoopIterations);
  }

  /** Why a loop whose body is `plan` may not run (LOOP_DEPTH_EXCEEDED), or null. */
  loopDepthError(node: CompiledNode, plan: FramePlan | undefined): string | null {
    if (plan === undefined || plan.depth <= this.values.maxLoopDepth) return null;
    return `loop "${node.id}" is nested ${plan.depth} deep; the limit is ${this.values.maxLoopDepth}`;
  }
}
