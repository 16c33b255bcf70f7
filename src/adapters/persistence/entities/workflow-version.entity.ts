import { defineEntity, p } from "@mikro-orm/core";
import type { WorkflowDefinition } from "../../../domain/workflow/workflow-definition.js";
import { WorkflowEntity } from "./workflow.entity.js";

/** `workflow_versions`: every definition a workflow has had. */
export const WorkflowVersionEntity = defineEntity({
  name: "WorkflowVersionRow",
  tableName: "workflow_versions",
  properties: {
    // The primary key starts with this column, so it needs no index of its own.
    workflowId: () =>
      p
        .manyToOne(WorkflowEntity)
        .mapToPk()
        .primary()
        .fieldName("workflow_id")
        .deleteRule("cascade")
        .updateRule("cascade")
        .index(false),
    version: p.integer().primary(),
    name: p.text(),
    description: p.text(),
    tags: p.json<string[]>(),
    definition: p.json<WorkflowDefinition>(),
    createdBy: p.text(),
    createdAt: p.datetime(3),
  },
});
