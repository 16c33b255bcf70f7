import type { EngineLimits } from "../../domain/engine/engine-types.js";

/** How the execution runner claims, leases and runs. */
export interface RunnerOptions {
  /** Identifies this process's leases. */
  ownerId: string;
  concurrency: number;
  leaseMs: number;
  /** How often to look for work when nothing woke the runner. */
  pollMs: number;
  /**
   * After a wake-up, how long to let further wake-ups (new executions, finished runs) gather
   * so that one claim statement takes them all instead of one statement per execution.
   */
  claimBatchMs: number;
  /** Service limits; the engine lowers them with the workflow's own. */
  limits: Partial<EngineLimits>;
  /** Waits at least this long park the run in the database (null: every wait stays in memory). */
  parkAfterMs: number | null;
}
