import { DomainError } from "../../domain/errors.js";
import type { Workflow } from "../../domain/workflow/workflow.js";
import { InputCheck } from "../input-limits/input-check.js";

/** Versions run from 1 to the int32 maximum (`version`, `expected_version`); absent is fine. */
export function checkVersionArgument(value: number | undefined, field: string): void {
  const check = new InputCheck();
  check.int32(value, field, 1);
  check.throwIfAny(`invalid ${field}`);
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
