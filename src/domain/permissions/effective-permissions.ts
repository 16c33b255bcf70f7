import type { Workflow } from "../workflow/workflow.js";
import { allPermissionFlags, type PermissionFlag, type PermissionGrant } from "./permission.js";
import type { Principal } from "./principal.js";

/**
 * The flags a principal holds on a workflow. Owners and admins hold every flag; otherwise each
 * matching grant contributes exactly the flags it lists (a flag never implies another). A
 * community grant counts only for members of that community, and only when it names the
 * workflow's own community.
 */
export function effectivePermissions(
  principal: Principal,
  workflow: Pick<Workflow, "ownerUserId" | "communityId">,
  grants: readonly PermissionGrant[],
): Set<PermissionFlag> {
  if (principal.admin || principal.userId === workflow.ownerUserId) {
    return new Set(allPermissionFlags);
  }
  const flags = new Set<PermissionFlag>();
  for (const grant of grants) {
    if (appliesTo(grant, principal, workflow.communityId)) {
      for (const flag of grant.flags) flags.add(flag);
    }
  }
  return flags;
}

function appliesTo(grant: PermissionGrant, principal: Principal, communityId: number): boolean {
  switch (grant.targetType) {
    case "user":
      return grant.targetId === principal.userId;
    case "role":
      return principal.roles.includes(grant.targetId);
    case "community":
      return grant.targetId === String(communityId) && principal.communityIds.includes(communityId);
  }
}
