import { DomainError } from "../../domain/errors.js";
import type { PermissionFlag } from "../../domain/permissions/permission.js";
import type { Principal } from "../../domain/permissions/principal.js";
import type { Workflow } from "../../domain/workflow/workflow.js";
import type { WorkflowRepository } from "../../ports/workflow-repository.js";
import type { Disclosure } from "../access/disclosure.js";
import type { ObjectAccess } from "../access/object-access.js";

/** A workflow the caller may act on, and what answers about it may show the caller. */
export interface WorkflowPermit {
  workflow: Workflow;
  show: Disclosure;
}

/**
 * Loads a workflow for a principal that needs `flag` on it (ObjectAccess decides: NOT_FOUND
 * when the caller cannot view it, PERMISSION_DENIED when it can but lacks the flag). The
 * workflow is read only once access is granted.
 */
export class WorkflowAccess {
  constructor(
    private readonly workflows: WorkflowRepository,
    private readonly access: ObjectAccess,
  ) {}

  async require(
    principal: Principal,
    workflowId: string,
    flag: PermissionFlag,
    action: string,
  ): Promise<WorkflowPermit> {
    const permit = await this.access.toWorkflow(principal, workflowId, flag, action);
    const workflow = await this.workflows.get(workflowId);
    // Workflows are archived, never deleted: only a broken database gets here.
    if (workflow === null) throw DomainError.workflowNotFound(workflowId);
    return { workflow, show: permit.show };
  }
}
