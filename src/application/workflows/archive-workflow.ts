import type { Principal } from "../../domain/permissions/principal.js";
import type { Clock } from "../../domain/ports/clock.js";
import { emptyTriggerPlan } from "../../domain/triggers/trigger-rule.js";
import type { Workflow } from "../../domain/workflow/workflow.js";
import type { WorkflowRepository } from "../../ports/workflow-repository.js";
import type { Disclosed } from "../access/disclosure.js";
import { checkIds } from "../input-limits/input-check.js";
import type { Auditor } from "../shared/audit.js";
import type { WorkflowAccess } from "./workflow-access.js";

/** Soft delete: the workflow is archived and can no longer be executed or edited. Needs can_delete. */
export class ArchiveWorkflow {
  constructor(
    private readonly workflows: WorkflowRepository,
    private readonly access: WorkflowAccess,
    private readonly clock: Clock,
    private readonly auditor: Auditor,
  ) {}

  async execute(principal: Principal, workflowId: string): Promise<Disclosed<Workflow>> {
    checkIds({ workflow_id: workflowId });
    const { workflow: current, show } = await this.access.require(
      principal,
      workflowId,
      "can_delete",
      "delete_workflow",
    );
    if (current.status === "archived") return show.workflow(current);
    const archived: Workflow = {
      ...current,
      status: "archived",
      updatedAt: new Date(this.clock.now()),
    };
    // An archived workflow leaves the trigger index: nothing starts it any more.
    await this.workflows.save(archived, current.version, undefined, emptyTriggerPlan);
    await this.auditor.success(principal, "delete_workflow", {
      communityId: archived.communityId,
      workflowId,
    });
    return show.workflow(archived);
  }
}
