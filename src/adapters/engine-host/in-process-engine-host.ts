import type { CompiledWorkflows } from "../../application/executions/compiled-workflows.js";
import { type DryRun, type DryRunOptions, dryRunWorkflow } from "../../domain/engine/dry-run.js";
import type { EngineEnvironment } from "../../domain/engine/engine-types.js";
import { runWorkflow } from "../../domain/engine/run-workflow.js";
import type {
  EngineHost,
  HostedRun,
  HostedRunOptions,
  WorkflowVersionRef,
} from "../../ports/engine-host.js";

/**
 * The engine on the calling thread: no isolation and no CPU-time bound. The service does not
 * use it; it is the baseline the worker pool is measured against (bench/engine-host).
 */
export class InProcessEngineHost implements EngineHost {
  constructor(
    private readonly compiled: CompiledWorkflows,
    private readonly env: EngineEnvironment,
  ) {}

  run(ref: WorkflowVersionRef, options: HostedRunOptions): HostedRun {
    const { onNodeFinished, ...rest } = options;
    try {
      const workflow = this.compiled.compile(ref.workflowId, ref.version, ref.definition);
      return runWorkflow(
        workflow,
        {
          ...rest,
          mode: "live",
          onEvent: (event) => {
            if (event.type === "node_finished") onNodeFinished?.(event.nodeRun);
          },
        },
        this.env,
      );
    } catch (error) {
      const checkpoint = options.resume ?? null;
      return { result: Promise.reject(error), takeCheckpoint: () => checkpoint };
    }
  }

  async dryRun(ref: WorkflowVersionRef, options: DryRunOptions): Promise<DryRun> {
    const workflow = this.compiled.compile(ref.workflowId, ref.version, ref.definition);
    return dryRunWorkflow(workflow, options, this.env);
  }

  async close(): Promise<void> {}
}
