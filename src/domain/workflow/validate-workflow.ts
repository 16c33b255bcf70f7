import type { ExpressionCompiler } from "../ports/expression-compiler.js";
import { analyseWorkflow } from "./analyse-workflow.js";
import type { ValidationReport } from "./validation-report.js";
import type { WorkflowDefinition } from "./workflow-definition.js";

/** Publication limits the validator checks on top of the structural rules. */
interface ValidationLimits {
  /** Most nodes a workflow may have (100). */
  maxNodes: number;
  /** Deepest loop nesting (MAX_LOOP_DEPTH). */
  maxLoopDepth: number;
}

const DEFAULT_VALIDATION_LIMITS: ValidationLimits = { maxNodes: 100, maxLoopDepth: 10 };

/**
 * Every error and warning of a definition at once, per node, connection and field. The same
 * rules gate compileWorkflow; publication additionally applies `limits`.
 */
export function validateWorkflow(
  definition: WorkflowDefinition,
  compiler: ExpressionCompiler,
  limits: ValidationLimits = DEFAULT_VALIDATION_LIMITS,
): ValidationReport {
  const analysis = analyseWorkflow(definition, compiler);
  const { issues, graph } = analysis;
  if (definition.nodes.length > limits.maxNodes) {
    issues.error(
      "TOO_MANY_NODES",
      `the workflow has ${definition.nodes.length} nodes; the limit is ${limits.maxNodes}`,
    );
  }
  for (const loop of graph.loops.values()) {
    if (loop.depth > limits.maxLoopDepth) {
      issues.error(
        "LOOP_DEPTH_EXCEEDED",
        `loop "${definition.nodes[loop.node]?.nodeId}" is nested ${loop.depth} deep; the limit is ${limits.maxLoopDepth}`,
        { nodeId: definition.nodes[loop.node]?.nodeId },
      );
    }
  }
  return issues.report();
}
