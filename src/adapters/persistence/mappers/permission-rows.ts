import type {
  PermissionFlag,
  PermissionGrant,
  PermissionTargetType,
} from "../../../domain/permissions/permission.js";
import type { WorkflowPermissionRow } from "../schemas/workflow-permission.schema.js";
import type { DbValues } from "../sql/db-values.js";
import type { SqlRow } from "../sql/sql-client.js";

/** Flag ↔ boolean column; the flags list keeps this order. */
const flagColumns: readonly [PermissionFlag, string][] = [
  ["can_view", "can_view"],
  ["can_edit", "can_edit"],
  ["can_execute", "can_execute"],
  ["can_delete", "can_delete"],
  ["can_manage_permissions", "can_manage_permissions"],
];

export function grantFromRow(row: SqlRow, values: DbValues): PermissionGrant {
  return {
    workflowId: String(row.workflow_id),
    targetType: row.target_type as PermissionTargetType,
    targetId: String(row.target_id),
    flags: flagColumns.filter(([, column]) => values.bool(row[column])).map(([flag]) => flag),
    grantedBy: String(row.granted_by),
    grantedAt: values.date(row.granted_at),
  };
}

export function grantToEntity(grant: PermissionGrant): WorkflowPermissionRow {
  const has = (flag: PermissionFlag) => grant.flags.includes(flag);
  return {
    workflowId: grant.workflowId,
    targetType: grant.targetType,
    targetId: grant.targetId,
    canView: has("can_view"),
    canEdit: has("can_edit"),
    canExecute: has("can_execute"),
    canDelete: has("can_delete"),
    canManagePermissions: has("can_manage_permissions"),
    grantedBy: grant.grantedBy,
    grantedAt: new Date(grant.grantedAt),
  };
}
