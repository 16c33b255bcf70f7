import { create } from "@bufbuild/protobuf";
import {
  type WorkflowExecutionStats as ProtoWorkflowExecutionStats,
  WorkflowExecutionStatsSchema,
} from "../../../gen/waddlebot/workflow/v1/workflow_pb.js";
import type { WorkflowExecutionStats } from "../../../ports/workflow-repository.js";
import { toTimestamp } from "./proto-scalars.js";

/** Workflow.execution_stats, which ListWorkflows fills in (its items carry executionStats). */
export function executionStatsToProto(
  stats: WorkflowExecutionStats | undefined,
): ProtoWorkflowExecutionStats | undefined {
  if (stats === undefined) return undefined;
  return create(WorkflowExecutionStatsSchema, {
    executionCount: BigInt(stats.executionCount),
    successCount: BigInt(stats.successCount),
    failureCount: BigInt(stats.failureCount),
    lastExecutedAt: toTimestamp(stats.lastExecutedAt),
  });
}
