import { defineEntity, p } from "@mikro-orm/core";
import type { JsonValue } from "../../../domain/json.js";
import { WorkflowExecutionEntity } from "./workflow-execution.entity.js";

/** Log lines are stored as `[{ time: ISO-8601, message }]`. */
export interface StoredLogLine {
  time: string;
  message: string;
}

/** `workflow_node_executions`: one run of one node of one execution. */
export const WorkflowNodeExecutionEntity = defineEntity({
  name: "WorkflowNodeExecutionRow",
  tableName: "workflow_node_executions",
  properties: {
    // The primary key starts with this column, so it needs no index of its own.
    executionId: () =>
      p
        .manyToOne(WorkflowExecutionEntity)
        .mapToPk()
        .primary()
        .fieldName("execution_id")
        .deleteRule("cascade")
        .updateRule("cascade")
        .index(false),
    sequence: p.integer().primary(),
    nodeId: p.text(),
    nodeType: p.text(),
    status: p.enum([
      "pending",
      "ready",
      "running",
      "completed",
      "failed",
      "skipped",
      "cancelled",
      "paused",
    ]),
    attempt: p.integer(),
    startedAt: p.datetime(3).nullable(),
    completedAt: p.datetime(3).nullable(),
    durationMs: p.double(),
    input: p.json<JsonValue>().nullable(),
    output: p.json<JsonValue>().nullable(),
    outputTruncated: p.boolean(),
    outputPort: p.text().nullable(),
    logs: p.json<StoredLogLine[]>(),
    errorReason: p.text().nullable(),
    errorMessage: p.text().nullable(),
    iterations: p.integer(),
    operations: p.integer(),
    iterationPath: p.json<number[]>(),
    simulatedRequest: p.json<JsonValue>().nullable(),
  },
});
