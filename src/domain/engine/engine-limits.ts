import type { WorkflowLimits } from "../workflow/workflow-definition.js";
import type { EngineLimits } from "./engine-types.js";

/** The service defaults (WORKFLOW_TIMEOUT, MAX_* of the original configuration). */
export const DEFAULT_ENGINE_LIMITS: EngineLimits = {
  timeoutMs: 300_000,
  maxLoopIterations: 100,
  maxTotalOperations: 1000,
  maxLoopDepth: 10,
  maxParallelNodes: 10,
  maxOutputBytes: 1024 * 1024,
  maxVariablesBytes: 4 * 1024 * 1024,
  maxRecordBytes: 64 * 1024,
};

/** Applies a workflow's overrides to the service limits; larger values are clamped. */
export function effectiveLimits(service: EngineLimits, workflow: WorkflowLimits): EngineLimits {
  const pick = (override: number | undefined, cap: number) =>
    override === undefined || override <= 0 ? cap : Math.min(override, cap);
  return {
    ...service,
    timeoutMs: pick(
      workflow.timeoutSeconds === undefined ? undefined : workflow.timeoutSeconds * 1000,
      service.timeoutMs,
    ),
    maxLoopIterations: pick(workflow.maxLoopIterations, service.maxLoopIterations),
    maxTotalOperations: pick(workflow.maxTotalOperations, service.maxTotalOperations),
    maxLoopDepth: pick(workflow.maxLoopDepth, service.maxLoopDepth),
    maxParallelNodes: pick(workflow.maxParallelNodes, service.maxParallelNodes),
  };
}
