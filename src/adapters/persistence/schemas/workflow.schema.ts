import { BigIntType, EntitySchema } from "@mikro-orm/core";
import type { WorkflowStatus } from "../../../domain/workflow/workflow.js";

/** A row of `workflows`: the current state of each workflow. */
export interface WorkflowRow {
  workflowId: string;
  communityId: number;
  entityId: number;
  name: string;
  description: string;
  tags: string[];
  status: WorkflowStatus;
  version: number;
  definition: unknown;
  ownerUserId: string;
  createdAt: Date;
  updatedAt: Date;
  publishedVersion: number | null;
  publishedAt: Date | null;
}

export const WorkflowSchema = new EntitySchema<WorkflowRow>({
  name: "WorkflowRow",
  tableName: "workflows",
  properties: {
    workflowId: { type: "text", primary: true },
    communityId: { type: new BigIntType("number") },
    entityId: { type: new BigIntType("number") },
    name: { type: "text" },
    description: { type: "text" },
    tags: { type: "json" },
    status: { enum: true, items: ["draft", "published", "archived"] },
    version: { type: "integer" },
    definition: { type: "json" },
    ownerUserId: { type: "text" },
    createdAt: { type: "datetime", length: 3 },
    updatedAt: { type: "datetime", length: 3 },
    publishedVersion: { type: "integer", nullable: true },
    publishedAt: { type: "datetime", length: 3, nullable: true },
  },
  indexes: [
    {
      name: "workflows_community_updated_idx",
      expression:
        "create index workflows_community_updated_idx on workflows (community_id, updated_at desc, workflow_id)",
    },
    {
      name: "workflows_community_status_updated_idx",
      expression:
        "create index workflows_community_status_updated_idx on workflows (community_id, status, updated_at desc, workflow_id)",
    },
    {
      // Listing without a community, in the list's order; owner and community let SQLite test a
      // non-admin's visibility before reading the row.
      name: "workflows_updated_idx",
      expression:
        "create index workflows_updated_idx on workflows (updated_at desc, workflow_id, owner_user_id, community_id)",
    },
  ],
});
