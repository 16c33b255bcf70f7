import { defineEntity, p } from "@mikro-orm/core";
import { WorkflowEntity } from "./workflow.entity.js";

/** `workflow_permissions`: the flags granted to one user, role or community. */
export const WorkflowPermissionEntity = defineEntity({
  name: "WorkflowPermissionRow",
  tableName: "workflow_permissions",
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
    targetType: p.enum(["user", "role", "community"]).primary(),
    targetId: p.text().primary(),
    canView: p.boolean(),
    canEdit: p.boolean(),
    canExecute: p.boolean(),
    canDelete: p.boolean(),
    canManagePermissions: p.boolean(),
    grantedBy: p.text(),
    grantedAt: p.datetime(3),
  },
  indexes: [
    {
      // A viewer's grants, by target (the workflow list's visibility test on PostgreSQL).
      name: "workflow_permissions_target_idx",
      expression:
        "create index workflow_permissions_target_idx on workflow_permissions (target_type, target_id, workflow_id)",
    },
  ],
});
