import { DomainError } from "../../domain/errors.js";
import type { ExecutionWithNodeRuns } from "../../domain/execution/execution.js";
import type { PermissionFlag } from "../../domain/permissions/permission.js";
import type { Principal } from "../../domain/permissions/principal.js";
import type { ExecutionRepository } from "../../ports/execution-repository.js";
import type { WorkflowRepository } from "../../ports/workflow-repository.js";
import type { WorkflowAccess } from "../workflows/workflow-access.js";

/**
 * Loads an execution for a principal that needs `flag` on its workflow. Executions of workflows
 * the caller cannot view are reported as not found.
 */
export class ExecutionAccess {
  constructor(
    private readonly executions: ExecutionRepository,
    private readonly workflows: WorkflowRepository,
    private readonly access: WorkflowAccess,
  ) {}

  async require(
    principal: Principal,
    executionId: string,
    flag: PermissionFlag,
    action: string,
    options: { nodeRuns: boolean; logs: boolean } = { nodeRuns: false, logs: false },
  ): Promise<ExecutionWithNodeRuns> {
    const notFound = () =>
      DomainError.notFound(`execution ${executionId} not found`, { execution_id: executionId });
    const execution = executionId === "" ? null : await this.executions.get(executionId, options);
    if (execution === null) throw notFound();
    const workflow = await this.workflows.get(execution.workflowId);
    if (workflow === null) throw notFound();
    await this.access.check(principal, workflow, flag, action, executionId, notFound);
    return execution;
  }
}
