import type { EngineCheckpoint, EngineLimits } from "../../domain/engine/engine-types.js";
import type { NodeRun } from "../../domain/execution/node-run.js";
import type { HostedRunOptions } from "../../ports/engine-host.js";
import type { ClaimedExecution } from "../../ports/execution-repository.js";

/**
 * The engine host's options for a claimed run: its trusted context, inputs and limits, its
 * checkpoint to resume from, and parking (waits of at least `parkAfterMs` park it; null: none).
 */
export function hostedRunOptions(
  claimed: ClaimedExecution,
  signal: AbortSignal,
  onNodeRun: (nodeRun: NodeRun) => void,
  limits: Partial<EngineLimits>,
  parkAfterMs: number | null,
): HostedRunOptions {
  const { execution, checkpoint } = claimed;
  const trigger = execution.trigger;
  return {
    context: {
      executionId: execution.executionId,
      workflowId: execution.workflowId,
      workflowVersion: execution.workflowVersion,
      userId: execution.triggeredBy,
      communityId: execution.communityId,
      entityId: execution.entityId,
      sessionId: trigger.sessionId,
      platform: trigger.platform,
    },
    variables: execution.inputVariables,
    trigger: { triggerNodeId: trigger.triggerNodeId, data: trigger.data },
    limits,
    ...(parkAfterMs === null ? {} : { parking: { minWaitMs: parkAfterMs } }),
    signal,
    onNodeFinished: onNodeRun,
    // Stored as takeCheckpoint() returned it; the engine checks it belongs to this execution.
    ...(checkpoint === null ? {} : { resume: checkpoint as EngineCheckpoint }),
  };
}
