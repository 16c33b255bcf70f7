import type { ValidationReport } from "../../domain/workflow/validation-report.js";
import type { WorkflowDefinition } from "../../domain/workflow/workflow-definition.js";

/** The engine's validator, injected so the use cases do not depend on the expression adapter. */
export type WorkflowValidator = (definition: WorkflowDefinition) => ValidationReport;

export type { ValidationIssue, ValidationReport } from "../../domain/workflow/validation-report.js";
