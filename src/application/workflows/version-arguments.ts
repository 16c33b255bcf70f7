import { DomainError } from "../../domain/errors.js";
import type { Workflow } from "../../domain/workflow/workflow.js";

/** Versions start at 1: a caller naming a lower one (`version`, `expected_version`) errs. */
export function checkVersionArgument(value: number | undefined, field: string): void {
  if (value === undefined || (Number.isSafeInteger(value) && value >= 1)) return;
  throw DomainError.badRequest(`invalid ${field}`, [
    { field, description: `${field} must be an integer of at least 1` },
  ]);
}

/** Optimistic concurrency: CONFLICT unless the workflow is still at `expected` (when given). */
export function requireExpectedVersion(workflow: Workflow, expected: number | undefined): void {
  if (expected === undefined || expected === workflow.version) return;
  throw new DomainError(
    "conflict",
    "CONFLICT",
    `workflow ${workflow.workflowId} is at version ${workflow.version}, not ${expected}`,
    { metadata: { workflow_id: workflow.workflowId, version: String(workflow.version) } },
  );
}
