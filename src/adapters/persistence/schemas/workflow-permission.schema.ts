import { EntitySchema } from "@mikro-orm/core";
import type { PermissionTargetType } from "../../../domain/permissions/permission.js";

/** A row of `workflow_permissions`: the flags granted to one user, role or community. */
export interface WorkflowPermissionRow {
  workflowId: string;
  targetType: PermissionTargetType;
  targetId: string;
  canView: boolean;
  canEdit: boolean;
  canExecute: boolean;
  canDelete: boolean;
  canManagePermissions: boolean;
  grantedBy: string;
  grantedAt: Date;
}

export const WorkflowPermissionSchema = new EntitySchema<WorkflowPermissionRow>({
  name: "WorkflowPermissionRow",
  tableName: "workflow_permissions",
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
    targetType: { enum: true, items: ["user", "role", "community"], primary: true },
    targetId: { type: "text", primary: true },
    canView: { type: "boolean" },
    canEdit: { type: "boolean" },
    canExecute: { type: "boolean" },
    canDelete: { type: "boolean" },
    canManagePermissions: { type: "boolean" },
    grantedBy: { type: "text" },
    grantedAt: { type: "datetime", length: 3 },
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
