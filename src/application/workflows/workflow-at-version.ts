import { DomainError } from "../../domain/errors.js";
import type { Workflow } from "../../domain/workflow/workflow.js";
import type { WorkflowRepository } from "../../ports/workflow-repository.js";

/** The workflow as it was at `version` (the current one when absent); drafts included. */
export async function workflowAtVersion(
  workflows: WorkflowRepository,
  current: Workflow,
  version: number | undefined,
): Promise<Workflow> {
  if (version === undefined || version === current.version) return current;
  const past = await workflows.getVersion(current.workflowId, version);
  if (past === null) {
    throw DomainError.notFound(`workflow ${current.workflowId} has no version ${version}`, {
      workflow_id: current.workflowId,
      version: String(version),
    });
  }
  return {
    ...current,
    name: past.name,
    description: past.description,
    tags: past.tags,
    version: past.version,
    definition: past.definition,
  };
}
