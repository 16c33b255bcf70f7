import type { ServiceImpl } from "@connectrpc/connect";
import type { WorkflowUseCases } from "../../../application/workflow-use-cases.js";
import type { PermissionService } from "../../../gen/waddlebot/workflow/v1/permission_service_pb.js";
import { principalOf } from "../context-keys.js";
import { flagsFromProto, grantToProto, targetTypeFromProto } from "../mappers/permission-proto.js";

export function permissionServiceHandlers(
  useCases: WorkflowUseCases,
): ServiceImpl<typeof PermissionService> {
  const manage = useCases.managePermissions;
  return {
    async grantPermission(req, ctx) {
      const grant = await manage.grant(
        principalOf(ctx),
        {
          workflowId: req.workflowId,
          targetType: targetTypeFromProto(req.targetType),
          targetId: req.targetId,
        },
        flagsFromProto(req.permissions),
      );
      return { grant: grantToProto(grant) };
    },

    async revokePermission(req, ctx) {
      const grant = await manage.revoke(
        principalOf(ctx),
        {
          workflowId: req.workflowId,
          targetType: targetTypeFromProto(req.targetType),
          targetId: req.targetId,
        },
        flagsFromProto(req.permissions),
      );
      return grant === null ? {} : { grant: grantToProto(grant) };
    },

    async listPermissions(req, ctx) {
      const grants = await manage.list(principalOf(ctx), req.workflowId);
      return { grants: grants.map(grantToProto) };
    },
  };
}
