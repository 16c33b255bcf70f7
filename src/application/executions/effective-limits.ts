import type { WorkflowLimits } from "../../domain/workflow/workflow-definition.js";
import type { EngineLimits } from "../../ports/workflow-engine.js";

/** A workflow's own limits can only lower the service-wide ones. */
export function effectiveLimits(service: EngineLimits, workflow: WorkflowLimits): EngineLimits {
  const lower = (a: number, b: number | undefined) => (b === undefined ? a : Math.min(a, b));
  return {
    timeoutMs: lower(service.timeoutMs, workflow.timeoutSeconds && workflow.timeoutSeconds * 1000),
    maxLoopIterations: lower(service.maxLoopIterations, workflow.maxLoopIterations),
    maxTotalOperations: lower(service.maxTotalOperations, workflow.maxTotalOperations),
    maxLoopDepth: lower(service.maxLoopDepth, workflow.maxLoopDepth),
    maxParallelNodes: lower(service.maxParallelNodes, workflow.maxParallelNodes),
  };
}
