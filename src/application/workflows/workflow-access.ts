import { DomainError } from "../../domain/errors.js";
import { effectivePermissions } from "../../domain/permissions/effective-permissions.js";
import type { PermissionFlag } from "../../domain/permissions/permission.js";
import type { Principal } from "../../domain/permissions/principal.js";
import type { Workflow } from "../../domain/workflow/workflow.js";
import type { PermissionRepository } from "../../ports/permission-repository.js";
import type { WorkflowRepository } from "../../ports/workflow-repository.js";
import type { Auditor } from "../shared/audit.js";

/**
 * Loads a workflow for a principal that needs `flag` on it. A caller who cannot view the
 * workflow gets WORKFLOW_NOT_FOUND (its existence is not revealed); one who can view it but
 * lacks the flag gets PERMISSION_DENIED. Denials are audited.
 */
export class WorkflowAccess {
  constructor(
    private readonly workflows: WorkflowRepository,
    private readonly permissions: PermissionRepository,
    private readonly auditor: Auditor,
  ) {}

  async require(
    principal: Principal,
    workflowId: string,
    flag: PermissionFlag,
    action: string,
  ): Promise<Workflow> {
    const workflow = workflowId === "" ? null : await this.workflows.get(workflowId);
    if (workflow === null) throw DomainError.workflowNotFound(workflowId);
    const flags = await this.flagsOf(principal, workflow);
    if (!flags.has("can_view") && !flags.has(flag)) {
      await this.auditor.denied(principal, action, {
        communityId: workflow.communityId,
        workflowId,
      });
      throw DomainError.workflowNotFound(workflowId);
    }
    if (!flags.has(flag)) {
      await this.auditor.denied(principal, action, {
        communityId: workflow.communityId,
        workflowId,
      });
      throw DomainError.permissionDenied(`${flag} is required on workflow ${workflowId}`, {
        workflow_id: workflowId,
        permission: flag,
      });
    }
    return workflow;
  }

  async flagsOf(principal: Principal, workflow: Workflow): Promise<Set<PermissionFlag>> {
    if (principal.admin || principal.userId === workflow.ownerUserId) {
      return effectivePermissions(principal, workflow, []);
    }
    return effectivePermissions(
      principal,
      workflow,
      await this.permissions.list(workflow.workflowId),
    );
  }
}
