import { EntitySchema } from "@mikro-orm/core";

/** A row of `workflow_versions`: every definition a workflow has had. */
export interface WorkflowVersionRow {
  workflowId: string;
  version: number;
  name: string;
  description: string;
  tags: string[];
  definition: unknown;
  createdBy: string;
  createdAt: Date;
}

export const WorkflowVersionSchema = new EntitySchema<WorkflowVersionRow>({
  name: "WorkflowVersionRow",
  tableName: "workflow_versions",
  properties: {
    workflowId: {
      kind: "m:1",
      entity: "WorkflowRow",
      primary: true,
      mapToPk: true,
      fieldName: "workflow_id",
      deleteRule: "cascade",
      updateRule: "cascade",
      // The primary key starts with this column, so it needs no index of its own.
      index: false,
    },
    version: { type: "integer", primary: true },
    name: { type: "text" },
    description: { type: "text" },
    tags: { type: "json" },
    definition: { type: "json" },
    createdBy: { type: "text" },
    createdAt: { type: "datetime", length: 3 },
  },
});
