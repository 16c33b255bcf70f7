import type {
  PermissionFlag,
  PermissionGrant,
  PermissionTargetType,
} from "../../domain/permissions/permission.js";
import type { Principal } from "../../domain/permissions/principal.js";
import type { Clock } from "../../domain/ports/clock.js";
import type { PermissionRepository } from "../../ports/permission-repository.js";
import { checkIds, InputCheck } from "../input-limits/input-check.js";
import { inputLimits } from "../input-limits/input-limits.js";
import type { Auditor } from "../shared/audit.js";
import type { WorkflowAccess } from "../workflows/workflow-access.js";

interface PermissionTarget {
  workflowId: string;
  targetType: PermissionTargetType;
  targetId: string;
}

/** Grants, revokes and lists per-workflow permissions. Needs can_manage_permissions. */
export class ManagePermissions {
  constructor(
    private readonly permissions: PermissionRepository,
    private readonly access: WorkflowAccess,
    private readonly clock: Clock,
    private readonly auditor: Auditor,
  ) {}

  async grant(
    principal: Principal,
    target: PermissionTarget,
    flags: PermissionFlag[],
  ): Promise<PermissionGrant> {
    checkTarget(target, flags, true);
    const { workflow } = await this.access.require(
      principal,
      target.workflowId,
      "can_manage_permissions",
      "grant_permission",
    );
    const existing = await this.permissions.get(
      target.workflowId,
      target.targetType,
      target.targetId,
    );
    const grant: PermissionGrant = {
      ...target,
      flags: [...new Set([...(existing?.flags ?? []), ...flags])],
      grantedBy: principal.userId,
      grantedAt: new Date(this.clock.now()),
    };
    await this.permissions.put(grant);
    await this.auditor.success(
      principal,
      "grant_permission",
      { communityId: workflow.communityId, workflowId: workflow.workflowId },
      { target_type: target.targetType, target_id: target.targetId, flags },
    );
    return grant;
  }

  /** Removes `flags` (every flag when empty); returns what is left, or null. */
  async revoke(
    principal: Principal,
    target: PermissionTarget,
    flags: PermissionFlag[],
  ): Promise<PermissionGrant | null> {
    checkTarget(target, flags, false);
    const { workflow } = await this.access.require(
      principal,
      target.workflowId,
      "can_manage_permissions",
      "revoke_permission",
    );
    const existing = await this.permissions.get(
      target.workflowId,
      target.targetType,
      target.targetId,
    );
    let remaining: PermissionGrant | null = null;
    if (existing !== null) {
      const left = flags.length === 0 ? [] : existing.flags.filter((f) => !flags.includes(f));
      if (left.length === 0) {
        await this.permissions.delete(target.workflowId, target.targetType, target.targetId);
      } else {
        remaining = { ...existing, flags: left };
        await this.permissions.put(remaining);
      }
    }
    await this.auditor.success(
      principal,
      "revoke_permission",
      { communityId: workflow.communityId, workflowId: workflow.workflowId },
      { target_type: target.targetType, target_id: target.targetId, flags },
    );
    return remaining;
  }

  async list(principal: Principal, workflowId: string): Promise<PermissionGrant[]> {
    checkIds({ workflow_id: workflowId });
    await this.access.require(principal, workflowId, "can_manage_permissions", "list_permissions");
    return this.permissions.list(workflowId);
  }
}

/** target_id is a user id or a role, bounded as those are in API keys, or a community number. */
const targetIdLength: Readonly<Record<PermissionTargetType, number>> = {
  user: inputLimits.text.userId,
  role: inputLimits.text.role,
  community: inputLimits.text.id,
};

function checkTarget(target: PermissionTarget, flags: PermissionFlag[], needFlags: boolean): void {
  const check = new InputCheck();
  if (target.workflowId === "") check.add("workflow_id", "workflow_id is required");
  else check.id(target.workflowId, "workflow_id");
  if (target.targetId.trim() === "") {
    check.add("target_id", "target_id is required");
  } else if (
    check.text(target.targetId, "target_id", targetIdLength[target.targetType]) &&
    target.targetType === "community" &&
    !/^[1-9][0-9]{0,17}$/.test(target.targetId)
  ) {
    check.add("target_id", "a community target_id is a community number");
  }
  if (needFlags && flags.length === 0) {
    check.add("permissions", "at least one permission is required");
  }
  check.throwIfAny("invalid permission request");
}
