import type { PermissionFlag, PermissionGrant } from "../../../domain/permissions/permission.js";
import type { NewRow, Row } from "../entities/index.js";

type PermissionRow = Row<"workflow_permissions">;
type FlagColumn = "can_view" | "can_edit" | "can_execute" | "can_delete" | "can_manage_permissions";

/** The flags in the order grants list them; each is stored in the column of its name. */
const flags: readonly (PermissionFlag & FlagColumn)[] = [
  "can_view",
  "can_edit",
  "can_execute",
  "can_delete",
  "can_manage_permissions",
];

export function grantFromRow(row: PermissionRow): PermissionGrant {
  return {
    workflowId: row.workflow_id,
    targetType: row.target_type,
    targetId: row.target_id,
    flags: flags.filter((flag) => row[flag]),
    grantedBy: row.granted_by,
    grantedAt: row.granted_at,
  };
}

export function grantToRow(grant: PermissionGrant): Required<NewRow<"workflow_permissions">> {
  const has = (flag: PermissionFlag) => grant.flags.includes(flag);
  return {
    workflow_id: grant.workflowId,
    target_type: grant.targetType,
    target_id: grant.targetId,
    can_view: has("can_view"),
    can_edit: has("can_edit"),
    can_execute: has("can_execute"),
    can_delete: has("can_delete"),
    can_manage_permissions: has("can_manage_permissions"),
    granted_by: grant.grantedBy,
    granted_at: grant.grantedAt,
  };
}
