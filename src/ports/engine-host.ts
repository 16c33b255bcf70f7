import type { DryRun, DryRunOptions } from "../domain/engine/dry-run.js";
import type { EngineCheckpoint, EngineResult, RunOptions } from "../domain/engine/engine-types.js";
import type { NodeRun } from "../domain/execution/node-run.js";
import type { WorkflowDefinition } from "../domain/workflow/workflow-definition.js";

/** The workflow version to run; the host compiles it once per (workflowId, version). */
export interface WorkflowVersionRef {
  workflowId: string;
  version: number;
  definition: WorkflowDefinition;
}

/** runWorkflow's options, with node records reported through one callback instead of events. */
export type HostedRunOptions = Omit<RunOptions, "onEvent" | "collectTrace" | "mode"> & {
  /** Each node's final record, in order, never mutated afterwards. */
  onNodeFinished?: (nodeRun: NodeRun) => void;
};

export interface HostedRun {
  /**
   * Settles when the run ends. Rejects with a DomainError (BAD_REQUEST) when the run cannot
   * start: the definition does not compile, the trigger is unknown, the checkpoint is not this
   * execution's.
   */
  readonly result: Promise<EngineResult>;
  /**
   * A checkpoint consistent with every record passed to onNodeFinished so far, or null while a
   * loop iterates (see RunHandle.takeCheckpoint).
   */
  takeCheckpoint(): EngineCheckpoint | null;
}

/**
 * Where the engine runs: live runs and dry-runs go through here, never to the engine directly,
 * so that no run can hold the thread that answers requests. The service's host is a pool of
 * worker threads with a CPU-time bound per run segment (src/adapters/engine-host).
 */
export interface EngineHost {
  /** Starts a live run. Never throws; a run that cannot start rejects `result`. */
  run(workflow: WorkflowVersionRef, options: HostedRunOptions): HostedRun;
  /**
   * A dry-run (every action simulated). Rejects like `run` when it cannot start, and with a
   * DomainError (`limit_exceeded`, CPU_LIMIT_EXCEEDED) when it exceeds the CPU-time bound.
   */
  dryRun(workflow: WorkflowVersionRef, options: DryRunOptions): Promise<DryRun>;
  /**
   * Gives the runs in progress (and any started meanwhile) up to `graceMs` to end (the caller
   * aborts them), then stops what is left (live runs end `cancelled`, dry-runs reject
   * UNAVAILABLE) and refuses new runs with UNAVAILABLE.
   */
  close(graceMs: number): Promise<void>;
}
