import { defineEntity, p } from "@mikro-orm/core";
import type { WorkflowDefinition } from "../../../domain/workflow/workflow-definition.js";

/** `workflows`: the current state of each workflow. */
export const WorkflowEntity = defineEntity({
  name: "WorkflowRow",
  tableName: "workflows",
  properties: {
    workflowId: p.text().primary(),
    communityId: p.bigint("number"),
    entityId: p.bigint("number"),
    name: p.text(),
    description: p.text(),
    tags: p.json<string[]>(),
    status: p.enum(["draft", "published", "archived"]),
    version: p.integer(),
    definition: p.json<WorkflowDefinition>(),
    ownerUserId: p.text(),
    createdAt: p.datetime(3),
    updatedAt: p.datetime(3),
    publishedVersion: p.integer().nullable(),
    publishedAt: p.datetime(3).nullable(),
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
