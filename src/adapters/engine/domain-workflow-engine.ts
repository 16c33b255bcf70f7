import { type CompiledWorkflow, compileWorkflow } from "../../domain/engine/compile-workflow.js";
import { DEFAULT_ENGINE_LIMITS, effectiveLimits } from "../../domain/engine/engine-limits.js";
import type { EngineCheckpoint, EngineResult } from "../../domain/engine/engine-types.js";
import { runWorkflow } from "../../domain/engine/run-workflow.js";
import type { JsonValue } from "../../domain/json.js";
import type { ActionGateway } from "../../domain/ports/action-gateway.js";
import type { Clock } from "../../domain/ports/clock.js";
import type { ExpressionCompiler } from "../../domain/ports/expression-compiler.js";
import type { WorkflowDefinition } from "../../domain/workflow/workflow-definition.js";
import type {
  EngineOutcome,
  EngineRun,
  EngineStartRequest,
  WorkflowEngine,
} from "../../ports/workflow-engine.js";
import { refusingActionGateway } from "./refusing-action-gateway.js";

/**
 * The domain engine behind the application's WorkflowEngine port. Compiled workflows are cached
 * per (workflow, version): a version never changes once written.
 */
export class DomainWorkflowEngine implements WorkflowEngine {
  private readonly compiled = new Map<string, CompiledWorkflow>();

  constructor(
    private readonly compiler: ExpressionCompiler,
    private readonly gateway: ActionGateway,
    private readonly clock: Clock,
    private readonly maxCached = 500,
  ) {}

  start(cacheKey: string, request: EngineStartRequest): EngineRun {
    const workflow = this.compile(cacheKey, request.definition);
    const dryRun = request.mode === "dry_run";
    const handle = runWorkflow(
      workflow,
      {
        context: {
          ...request.context,
          sessionId: request.trigger.sessionId,
          platform: request.trigger.platform,
        },
        variables: request.variables,
        trigger: {
          ...(request.trigger.triggerNodeId === ""
            ? {}
            : { triggerNodeId: request.trigger.triggerNodeId }),
          data: request.trigger.data,
        },
        limits: effectiveLimits(
          { ...DEFAULT_ENGINE_LIMITS, ...request.limits },
          request.definition.limits,
        ),
        mode: request.mode,
        mocks: request.mocks,
        signal: request.signal,
        onEvent: (event) => {
          if (event.type === "node_finished") request.onNodeRun(event.nodeRun);
        },
        ...(request.resumeFrom === null
          ? {}
          : { resume: request.resumeFrom as unknown as EngineCheckpoint }),
      },
      // A dry-run cannot reach the network even if a node forgot to check the mode.
      { gateway: dryRun ? refusingActionGateway : this.gateway, clock: this.clock },
    );
    return {
      outcome: handle.result.then((result) => toOutcome(result, request.definition)),
      takeCheckpoint: () => handle.takeCheckpoint() as unknown as JsonValue | null,
    };
  }

  private compile(cacheKey: string, definition: WorkflowDefinition): CompiledWorkflow {
    const cached = this.compiled.get(cacheKey);
    if (cached) return cached;
    const compiled = compileWorkflow(definition, this.compiler);
    if (this.compiled.size >= this.maxCached) {
      const oldest = this.compiled.keys().next().value;
      if (oldest !== undefined) this.compiled.delete(oldest);
    }
    this.compiled.set(cacheKey, compiled);
    return compiled;
  }
}

function toOutcome(result: EngineResult, definition: WorkflowDefinition): EngineOutcome {
  return {
    status: result.status,
    errorReason: result.errorReason,
    errorMessage: result.errorMessage,
    errorNodeId: result.errorNodeId,
    finalOutput: result.finalOutput,
    finalVariables: result.finalVariables,
    nodesExecuted: result.nodesExecuted,
    failedNodes: result.failedNodes,
    totalNodes: definition.nodes.length,
  };
}
