import type { WorkflowListItem } from "../../application/workflows/list-workflows.js";
import type { JsonObject } from "../../domain/json.js";
import { isoTime } from "./iso-time.js";
import { workflowSummaryToJson } from "./workflow-to-json.js";

/**
 * One row of the workflow list (W2): everything but the definition, plus the original module's
 * execution counters (`execution_count`, `success_count`, `failure_count`, `last_executed_at`),
 * computed from the stored executions.
 */
export function workflowListItemToJson(item: WorkflowListItem): JsonObject {
  const stats = item.executionStats;
  return {
    ...workflowSummaryToJson(item),
    execution_count: stats.executionCount,
    success_count: stats.successCount,
    failure_count: stats.failureCount,
    last_executed_at: isoTime(stats.lastExecutedAt),
  };
}
