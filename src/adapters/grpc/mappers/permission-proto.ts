import { create } from "@bufbuild/protobuf";
import { DomainError } from "../../../domain/errors.js";
import type {
  PermissionFlag,
  PermissionGrant,
  PermissionTargetType,
} from "../../../domain/permissions/permission.js";
import {
  Permission,
  PermissionGrantSchema,
  type PermissionGrant as ProtoPermissionGrant,
  TargetType,
} from "../../../gen/waddlebot/workflow/v1/permission_service_pb.js";
import { toTimestamp } from "./proto-scalars.js";

const flagToProto: Record<PermissionFlag, Permission> = {
  can_view: Permission.CAN_VIEW,
  can_edit: Permission.CAN_EDIT,
  can_execute: Permission.CAN_EXECUTE,
  can_delete: Permission.CAN_DELETE,
  can_manage_permissions: Permission.CAN_MANAGE_PERMISSIONS,
};

const targetToProto: Record<PermissionTargetType, TargetType> = {
  user: TargetType.USER,
  role: TargetType.ROLE,
  community: TargetType.COMMUNITY,
};

export function flagsFromProto(permissions: Permission[]): PermissionFlag[] {
  return permissions.map((p) => {
    const flag = (Object.keys(flagToProto) as PermissionFlag[]).find((f) => flagToProto[f] === p);
    if (flag === undefined) {
      throw DomainError.badRequest("unknown permission", [
        { field: "permissions", description: `unknown permission value ${p}` },
      ]);
    }
    return flag;
  });
}

export function targetTypeFromProto(type: TargetType): PermissionTargetType {
  const target = (Object.keys(targetToProto) as PermissionTargetType[]).find(
    (t) => targetToProto[t] === type,
  );
  if (target === undefined) {
    throw DomainError.badRequest("target_type is required", [
      { field: "target_type", description: "target_type must be USER, ROLE or COMMUNITY" },
    ]);
  }
  return target;
}

export function grantToProto(grant: PermissionGrant): ProtoPermissionGrant {
  return create(PermissionGrantSchema, {
    workflowId: grant.workflowId,
    targetType: targetToProto[grant.targetType],
    targetId: grant.targetId,
    permissions: grant.flags.map((f) => flagToProto[f]),
    grantedBy: grant.grantedBy,
    grantedAt: toTimestamp(grant.grantedAt),
  });
}
