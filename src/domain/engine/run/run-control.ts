import type { ErrorReason } from "../../errors.js";
import type { EngineStatus } from "../engine-types.js";

/**
 * The run as a whole, as its parts see it (WorkflowRun implements it): whether it has ended, how
 * to end it, and the signal that aborts whatever is still running when it does.
 */
export interface RunControl {
  /** True once the run has ended: nothing starts or settles afterwards. */
  readonly closed: boolean;
  /** Ends the run once: aborts running work, cancels what did not finish, reports the result. */
  stop(
    status: EngineStatus,
    reason: ErrorReason | null,
    message: string | null,
    nodeId: string | null,
  ): void;
  /** Ends the run after an unexpected error (a run-limit error keeps its own reason). */
  crash(error: unknown): void;
  /** Aborted when the run ends; made on first use, so a run that never waits never needs one. */
  signal(): AbortSignal;
}
