import type { WorkflowDefinition } from "../../domain/workflow/workflow-definition.js";

export interface ValidationIssue {
  code: string;
  message: string;
  nodeId?: string;
  connectionId?: string;
  field?: string;
}

export interface ValidationReport {
  isValid: boolean;
  errors: ValidationIssue[];
  warnings: ValidationIssue[];
}

/** The engine's validator, injected so the use cases do not depend on the expression adapter. */
export type WorkflowValidator = (definition: WorkflowDefinition) => ValidationReport;
