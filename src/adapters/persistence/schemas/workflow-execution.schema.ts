import { BigIntType, EntitySchema } from "@mikro-orm/core";
import type { ExecutionStatus } from "../../../domain/execution/execution-status.js";

/**
 * A row of `workflow_executions`. The quick reference's column names (start_time, end_time,
 * execution_time_seconds, ...) are kept; the repository reads and writes it with plain SQL.
 */
interface WorkflowExecutionRow {
  executionId: string;
  workflowId: string;
  workflowVersion: number;
  status: ExecutionStatus;
  communityId: number;
  entityId: number;
  triggeredBy: string;
  trigger: unknown;
  inputVariables: unknown;
  idempotencyKey: string | null;
  createdAt: Date;
  startTime: Date | null;
  endTime: Date | null;
  executionTimeSeconds: number | null;
  durationMs: number | null;
  nodesExecuted: number;
  totalNodes: number;
  failedNodes: unknown;
  errorReason: string | null;
  errorMessage: string | null;
  errorNodeId: string | null;
  finalOutput: unknown;
  finalVariables: unknown;
  cancelRequestedAt: Date | null;
  leaseOwner: string | null;
  leaseExpiresAt: Date | null;
  claimCount: number;
  nodeRunCount: number;
  checkpoint: unknown;
  updatedAt: Date;
}

export const WorkflowExecutionSchema = new EntitySchema<WorkflowExecutionRow>({
  name: "WorkflowExecutionRow",
  tableName: "workflow_executions",
  properties: {
    executionId: { type: "text", primary: true },
    workflowId: {
      kind: "m:1",
      entity: "WorkflowRow",
      mapToPk: true,
      fieldName: "workflow_id",
      deleteRule: "cascade",
      updateRule: "cascade",
      // Covered by workflow_executions_list_idx.
      index: false,
    },
    workflowVersion: { type: "integer" },
    status: {
      enum: true,
      items: ["pending", "running", "completed", "failed", "cancelled", "paused"],
    },
    communityId: { type: new BigIntType("number") },
    entityId: { type: new BigIntType("number") },
    triggeredBy: { type: "text" },
    trigger: { type: "json" },
    inputVariables: { type: "json" },
    idempotencyKey: { type: "text", nullable: true },
    createdAt: { type: "datetime", length: 3 },
    startTime: { type: "datetime", length: 3, nullable: true },
    endTime: { type: "datetime", length: 3, nullable: true },
    executionTimeSeconds: { type: "double", nullable: true },
    durationMs: { type: "double", nullable: true },
    nodesExecuted: { type: "integer", default: 0 },
    totalNodes: { type: "integer", default: 0 },
    failedNodes: { type: "json" },
    errorReason: { type: "text", nullable: true },
    errorMessage: { type: "text", nullable: true },
    errorNodeId: { type: "text", nullable: true },
    finalOutput: { type: "json", nullable: true },
    finalVariables: { type: "json" },
    cancelRequestedAt: { type: "datetime", length: 3, nullable: true },
    leaseOwner: { type: "text", nullable: true },
    leaseExpiresAt: { type: "datetime", length: 3, nullable: true },
    claimCount: { type: "integer", default: 0 },
    nodeRunCount: { type: "integer", default: 0 },
    checkpoint: { type: "json", nullable: true },
    updatedAt: { type: "datetime", length: 3 },
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
