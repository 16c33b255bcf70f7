import { EntitySchema } from "@mikro-orm/core";
import type { NodeStatus } from "../../../domain/execution/execution-status.js";

/** A row of `workflow_node_executions`: one run of one node of one execution. */
interface WorkflowNodeExecutionRow {
  executionId: string;
  sequence: number;
  nodeId: string;
  nodeType: string;
  status: NodeStatus;
  attempt: number;
  startedAt: Date | null;
  completedAt: Date | null;
  durationMs: number;
  input: unknown;
  output: unknown;
  outputTruncated: boolean;
  outputPort: string | null;
  logs: unknown;
  errorReason: string | null;
  errorMessage: string | null;
  iterations: number;
  operations: number;
  iterationPath: unknown;
  simulatedRequest: unknown;
}

export const WorkflowNodeExecutionSchema = new EntitySchema<WorkflowNodeExecutionRow>({
  name: "WorkflowNodeExecutionRow",
  tableName: "workflow_node_executions",
  properties: {
    executionId: {
      kind: "m:1",
      entity: "WorkflowExecutionRow",
      primary: true,
      mapToPk: true,
      fieldName: "execution_id",
      deleteRule: "cascade",
      updateRule: "cascade",
      // The primary key starts with this column, so it needs no index of its own.
      index: false,
    },
    sequence: { type: "integer", primary: true },
    nodeId: { type: "text" },
    nodeType: { type: "text" },
    status: {
      enum: true,
      items: [
        "pending",
        "ready",
        "running",
        "completed",
        "failed",
        "skipped",
        "cancelled",
        "paused",
      ],
    },
    attempt: { type: "integer" },
    startedAt: { type: "datetime", length: 3, nullable: true },
    completedAt: { type: "datetime", length: 3, nullable: true },
    durationMs: { type: "double" },
    input: { type: "json", nullable: true },
    output: { type: "json", nullable: true },
    outputTruncated: { type: "boolean" },
    outputPort: { type: "text", nullable: true },
    logs: { type: "json" },
    errorReason: { type: "text", nullable: true },
    errorMessage: { type: "text", nullable: true },
    iterations: { type: "integer" },
    operations: { type: "integer" },
    iterationPath: { type: "json" },
    simulatedRequest: { type: "json", nullable: true },
  },
});
