import type { PermissionGrant, PermissionTargetType } from "../domain/permissions/permission.js";

export interface PermissionRepository {
  list(workflowId: string): Promise<PermissionGrant[]>;
  get(
    workflowId: string,
    targetType: PermissionTargetType,
    targetId: string,
  ): Promise<PermissionGrant | null>;
  /** Inserts or replaces the grant for (workflowId, targetType, targetId). */
  put(grant: PermissionGrant): Promise<void>;
  delete(workflowId: string, targetType: PermissionTargetType, targetId: string): Promise<void>;
}
