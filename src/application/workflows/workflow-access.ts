import { DomainError } from "../../domain/errors.js";
import { effectivePermissions } from "../../domain/permissions/effective-permissions.js";
import type { PermissionFlag } from "../../domain/permissions/permission.js";
import type { Principal } from "../../domain/permissions/principal.js";
import type { Workflow } from "../../domain/workflow/workflow.js";
import type { PermissionRepository } from "../../ports/permission-repository.js";
import type { WorkflowRepository } from "../../ports/workflow-repository.js";
import type { Auditor } from "../shared/audit.js";

/**
 * Decides whether a principal may act on a workflow (or something of it, like an execution).
 * A caller who cannot view it gets a not-found error (its existence is not revealed); one who
 * can view it but lacks the flag gets PERMISSION_DENIED. Denials are audited.
 */
export class WorkflowAccess {
  constructor(
    private readonly workflows: WorkflowRepository,
    private readonly permissions: PermissionRepository,
    private readonly auditor: Auditor,
  ) {}

  /** Loads the workflow and checks `flag` on it. */
  async require(
    principal: Principal,
    workflowId: string,
    flag: PermissionFlag,
    action: string,
  ): Promise<Workflow> {
    const workflow = workflowId === "" ? null : await this.workflows.get(workflowId);
    if (workflow === null) throw DomainError.workflowNotFound(workflowId);
    await this.check(principal, workflow, flag, action, null, () =>
      DomainError.workflowNotFound(workflowId),
    );
    return workflow;
  }

  /** Checks `flag` on a loaded workflow; `notFound` is what an invisible subject reports. */
  async check(
    principal: Principal,
    workflow: Workflow,
    flag: PermissionFlag,
    action: string,
    executionId: string | null,
    notFound: () => DomainError,
  ): Promise<void> {
    const flags = await this.flagsOf(principal, workflow);
    if (flags.has(flag)) return;
    await this.auditor.denied(principal, action, {
      communityId: workflow.communityId,
      workflowId: workflow.workflowId,
      executionId,
    });
    if (!flags.has("can_view")) throw notFound();
    throw DomainError.permissionDenied(`${flag} is required on workflow ${workflow.workflowId}`, {
      workflow_id: workflow.workflowId,
      ...(executionId === null ? {} : { execution_id: executionId }),
      permission: flag,
    });
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
