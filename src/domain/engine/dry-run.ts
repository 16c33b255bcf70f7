import type { NodeRun } from "../execution/node-run.js";
import type { CompiledWorkflow } from "./compile-workflow.js";
import type { EngineEnvironment, EngineResult, RunOptions } from "./engine-types.js";
import { runWorkflow } from "./run-workflow.js";

/** What a dry-run adds up to; every transport answers these same figures. */
export interface DryRunSummary {
  /** Node runs started (a node inside a loop counts once per iteration). */
  nodesExecuted: number;
  /** Distinct nodes that ended failed, routed to an error port or not. */
  nodesFailed: number;
  durationMs: number;
  /** The run completed. */
  passed: boolean;
}

export interface DryRun {
  outcome: EngineResult;
  /** Every node record, in execution order (by sequence). */
  trace: readonly NodeRun[];
  summary: DryRunSummary;
}

export type DryRunOptions = Omit<RunOptions, "mode" | "resume" | "collectTrace">;

/**
 * Runs `workflow` in dry-run mode: every outbound action is simulated (its request recorded, a
 * mock or its documented default returned), delays are not waited, nothing reaches the gateway.
 * Throws like runWorkflow when the run cannot start.
 */
export async function dryRunWorkflow(
  workflow: CompiledWorkflow,
  options: DryRunOptions,
  env: EngineEnvironment,
): Promise<DryRun> {
  const outcome = await runWorkflow(workflow, { ...options, mode: "dry_run" }, env).result;
  // A dry-run always collects its trace.
  return { outcome, trace: outcome.trace ?? [], summary: summariseDryRun(outcome) };
}

export function summariseDryRun(outcome: EngineResult): DryRunSummary {
  return {
    nodesExecuted: outcome.nodesExecuted,
    nodesFailed: outcome.failedNodes.length,
    durationMs: outcome.durationMs,
    passed: outcome.status === "completed",
  };
}
