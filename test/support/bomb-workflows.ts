/**
 * Workflows that compute as long as the limits let them, for the tests and the benchmark of
 * the engine host's guarantee (no run can keep the service from answering).
 */
import { edge, node, type WorkflowSpec } from "./workflow-fixtures.js";

/**
 * One of the slowest expressions the cost meter lets finish: a time-zone formatter per element
 * (256 units each) over 1,100 elements, about 280,000 of the 300,000 units; 0.1 to 0.3 s here.
 */
export const slowExpression =
  "vars.s.split('').map(x, timestamp(0).getHours('Europe/Paris')).size()";
const slowExpressionInput = "a".repeat(1100);

/**
 * trigger → before (webhook to `{hookBaseUrl}/before/<execution id>`) → bomb (data_transform
 * with `expressions` copies of slowExpression, evaluated in one synchronous stretch) → end.
 * The webhook tells a test the run is about to enter the bomb.
 */
export function expressionBombWorkflow(options: {
  communityId: number;
  hookBaseUrl: string;
  expressions: number;
  name?: string;
}): WorkflowSpec {
  const transformations = Object.fromEntries(
    Array.from({ length: options.expressions }, (_, i) => [`t${i}`, slowExpression]),
  );
  return {
    name: options.name ?? "Expression bomb",
    communityId: options.communityId,
    globalVariables: { s: slowExpressionInput },
    nodes: [
      node("start", "trigger_command", { command_pattern: "!go", platforms: ["twitch"] }),
      node("before", "action_webhook", {
        url: `${options.hookBaseUrl}/before/{{ execution.execution_id }}`,
        method: "POST",
        body_template: "{}",
        timeout_seconds: 20,
      }),
      node("bomb", "data_transform", { transformations }),
      node("end", "flow_end", { output_expression: "'survived'" }),
    ],
    edges: [
      edge("start", "output", "before"),
      edge("before", "success", "bomb"),
      edge("bomb", "output", "end"),
    ],
  };
}

/**
 * trigger → spin (loop_while true, up to `maxIterations`) ↺ work (one slow expression): the
 * engine-level busy loop. Each iteration is its own segment (the engine yields between node
 * starts), so it is bounded by the run's limits, not by the CPU-time bound.
 */
export function loopBombWorkflow(options: {
  communityId: number;
  maxIterations: number;
  name?: string;
}): WorkflowSpec {
  return {
    name: options.name ?? "Loop bomb",
    communityId: options.communityId,
    globalVariables: { s: slowExpressionInput },
    limits: {
      maxLoopIterations: options.maxIterations,
      maxTotalOperations: options.maxIterations * 3,
    },
    nodes: [
      node("start", "trigger_command", { command_pattern: "!go", platforms: ["twitch"] }),
      node("spin", "loop_while", { condition: "true", max_iterations: options.maxIterations }),
      node("work", "data_transform", { transformations: { hours: slowExpression } }),
      node("end", "flow_end", { output_expression: "'spun'" }),
    ],
    edges: [
      edge("start", "output", "spin"),
      edge("spin", "loop", "work"),
      edge("work", "output", "spin"),
      edge("spin", "done", "end"),
    ],
  };
}
