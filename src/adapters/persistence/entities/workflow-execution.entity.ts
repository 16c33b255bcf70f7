import { defineEntity, p } from "@mikro-orm/core";
import type { TriggerInfo } from "../../../domain/execution/execution.js";
import type { JsonObject, JsonValue } from "../../../domain/json.js";
import { WorkflowEntity } from "./workflow.entity.js";

/**
 * `workflow_executions`, with the quick reference's column names (start_time, end_time,
 * execution_time_seconds, ...).
 */
export const WorkflowExecutionEntity = defineEntity({
  name: "WorkflowExecutionRow",
  tableName: "workflow_executions",
  properties: {
    executionId: p.text().primary(),
    // Covered by workflow_executions_list_idx.
    workflowId: () =>
      p
        .manyToOne(WorkflowEntity)
        .mapToPk()
        .fieldName("workflow_id")
        .deleteRule("cascade")
        .updateRule("cascade")
        .index(false),
    workflowVersion: p.integer(),
    status: p.enum(["pending", "running", "completed", "failed", "cancelled", "paused"]),
    communityId: p.bigint("number"),
    entityId: p.bigint("number"),
    triggeredBy: p.text(),
    trigger: p.json<TriggerInfo>(),
    inputVariables: p.json<JsonObject>(),
    idempotencyKey: p.text().nullable(),
    createdAt: p.datetime(3),
    startTime: p.datetime(3).nullable(),
    endTime: p.datetime(3).nullable(),
    executionTimeSeconds: p.double().nullable(),
    durationMs: p.double().nullable(),
    nodesExecuted: p.integer().default(0),
    totalNodes: p.integer().default(0),
    failedNodes: p.json<string[]>(),
    errorReason: p.text().nullable(),
    errorMessage: p.text().nullable(),
    errorNodeId: p.text().nullable(),
    finalOutput: p.json<JsonValue>().nullable(),
    finalVariables: p.json<JsonObject>(),
    cancelRequestedAt: p.datetime(3).nullable(),
    leaseOwner: p.text().nullable(),
    leaseExpiresAt: p.datetime(3).nullable(),
    claimCount: p.integer().default(0),
    nodeRunCount: p.integer().default(0),
    checkpoint: p.json<JsonValue>().nullable(),
    updatedAt: p.datetime(3),
    // A parked run (status running, no lease): what it waits for and when it is due.
    wakeAt: p.datetime(3).nullable(),
    waitReason: p.text().nullable(),
    waitNodes: p.json<string[]>().nullable(),
  },
  indexes: [
    {
      // Execution listings in their default order; the trailing status makes the workflow
      // list's execution statistics index-only and lets status filters be checked in the index.
      name: "workflow_executions_list_idx",
      expression:
        "create index workflow_executions_list_idx on workflow_executions (workflow_id, created_at desc, execution_id desc, status)",
    },
    {
      // The claim's two sources, each a small partial index: the oldest pending runs, and
      // running ones whose lease ran out.
      name: "workflow_executions_pending_idx",
      expression:
        "create index workflow_executions_pending_idx on workflow_executions (created_at, execution_id) where status = 'pending'",
    },
    {
      // The claim's third source: parked runs that are due, and the runner's next wake-up.
      name: "workflow_executions_wake_idx",
      expression:
        "create index workflow_executions_wake_idx on workflow_executions (wake_at) where wake_at is not null",
    },
    {
      name: "workflow_executions_lease_idx",
      expression:
        "create index workflow_executions_lease_idx on workflow_executions (lease_expires_at) where status = 'running'",
    },
  ],
  uniques: [
    {
      name: "workflow_executions_idempotency_key_unique",
      expression:
        "create unique index workflow_executions_idempotency_key_unique on workflow_executions (triggered_by, idempotency_key) where idempotency_key is not null",
    },
  ],
});
