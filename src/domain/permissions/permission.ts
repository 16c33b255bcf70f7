export type PermissionFlag =
  | "can_view"
  | "can_edit"
  | "can_execute"
  | "can_delete"
  | "can_manage_permissions";

export const allPermissionFlags: readonly PermissionFlag[] = [
  "can_view",
  "can_edit",
  "can_execute",
  "can_delete",
  "can_manage_permissions",
];

export type PermissionTargetType = "user" | "role" | "community";

/** Flags granted on one workflow to one user, role or community. */
export interface PermissionGrant {
  workflowId: string;
  targetType: PermissionTargetType;
  targetId: string;
  flags: PermissionFlag[];
  grantedBy: string;
  grantedAt: Date;
}
