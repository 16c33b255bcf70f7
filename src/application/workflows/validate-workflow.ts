import type { Principal } from "../../domain/permissions/principal.js";
import type { GetWorkflow } from "./get-workflow.js";
import type { ValidationReport, WorkflowValidator } from "./workflow-validator.js";

/** Validates a stored version without changing it. Needs can_view. */
export class ValidateWorkflow {
  constructor(
    private readonly getWorkflow: GetWorkflow,
    private readonly validator: WorkflowValidator,
  ) {}

  async execute(
    principal: Principal,
    workflowId: string,
    version?: number,
  ): Promise<ValidationReport> {
    const workflow = await this.getWorkflow.execute(principal, workflowId, version);
    return this.validator(workflow.definition);
  }
}
