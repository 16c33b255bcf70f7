import { DomainError } from "../../domain/errors.js";
import type { Principal } from "../../domain/permissions/principal.js";
import type { Workflow } from "../../domain/workflow/workflow.js";
import type { WorkflowRepository } from "../../ports/workflow-repository.js";
import type { WorkflowAccess } from "./workflow-access.js";

/** Returns the latest state of a workflow, or a past version's definition. Needs can_view. */
export class GetWorkflow {
  constructor(
    private readonly workflows: WorkflowRepository,
    private readonly access: WorkflowAccess,
  ) {}

  async execute(principal: Principal, workflowId: string, version?: number): Promise<Workflow> {
    const workflow = await this.access.require(principal, workflowId, "can_view", "get_workflow");
    if (version === undefined || version === workflow.version) return workflow;
    const past = await this.workflows.getVersion(workflowId, version);
    if (past === null) {
      throw DomainError.notFound(`workflow ${workflowId} has no version ${version}`, {
        workflow_id: workflowId,
        version: String(version),
      });
    }
    return {
      ...workflow,
      name: past.name,
      description: past.description,
      tags: past.tags,
      version: past.version,
      definition: past.definition,
    };
  }
}
