import type { Principal } from "../../domain/permissions/principal.js";
import type { Workflow } from "../../domain/workflow/workflow.js";
import type { WorkflowRepository } from "../../ports/workflow-repository.js";
import type { Disclosed } from "../access/disclosure.js";
import { checkIds } from "../input-limits/input-check.js";
import { checkVersionArgument } from "./version-arguments.js";
import type { WorkflowAccess } from "./workflow-access.js";
import { workflowAtVersion } from "./workflow-at-version.js";

/** Returns the latest state of a workflow, or a past version's definition. Needs can_view. */
export class GetWorkflow {
  constructor(
    private readonly workflows: WorkflowRepository,
    private readonly access: WorkflowAccess,
  ) {}

  async execute(
    principal: Principal,
    workflowId: string,
    version?: number,
  ): Promise<Disclosed<Workflow>> {
    checkIds({ workflow_id: workflowId });
    checkVersionArgument(version, "version");
    const { workflow, show } = await this.access.require(
      principal,
      workflowId,
      "can_view",
      "get_workflow",
    );
    return show.workflow(await workflowAtVersion(this.workflows, workflow, version));
  }
}
