import type { CompiledWorkflow } from "./compile-workflow.js";
import type { EngineEnvironment, RunHandle, RunOptions } from "./engine-types.js";
import { WorkflowRun } from "./run/workflow-run.js";

/**
 * Starts one execution of a compiled workflow and returns its handle: `result` settles when
 * the run ends (it never rejects), `takeCheckpoint()` serves durability. Throws DomainError
 * (BAD_REQUEST) synchronously when the trigger cannot be chosen or a checkpoint does not fit.
 */
export function runWorkflow(
  workflow: CompiledWorkflow,
  options: RunOptions,
  env: EngineEnvironment,
): RunHandle {
  return new WorkflowRun(workflow, options, env).start();
}
