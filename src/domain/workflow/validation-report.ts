import type { FieldViolation } from "../errors.js";
/** One problem found by the validator (the proto ValidationIssue). */
export interface ValidationIssue {
  /** Stable code, e.g. UNKNOWN_NODE_TYPE, ILLEGAL_CYCLE, UNKNOWN_PORT, INVALID_CONFIG. */
  code: string;
  message: string;
  nodeId: string;
  connectionId: string;
  /** Field path inside the node, e.g. "config.url"; empty when the issue is not about a field. */
  field: string;
}

/** All errors and warnings of one definition (the proto ValidationReport). */
export interface ValidationReport {
  isValid: boolean;
  errors: ValidationIssue[];
  warnings: ValidationIssue[];
  errorCount: number;
  warningCount: number;
}

/** Collects issues while the validator and the compiler walk a definition. */
export class IssueCollector {
  readonly errors: ValidationIssue[] = [];
  readonly warnings: ValidationIssue[] = [];

  error(code: string, message: string, at: IssueLocation = {}): void {
    this.errors.push(issue(code, message, at));
  }

  warning(code: string, message: string, at: IssueLocation = {}): void {
    this.warnings.push(issue(code, message, at));
  }

  report(): ValidationReport {
    return {
      isValid: this.errors.length === 0,
      errors: this.errors,
      warnings: this.warnings,
      errorCount: this.errors.length,
      warningCount: this.warnings.length,
    };
  }
}

interface IssueLocation {
  nodeId?: string;
  connectionId?: string;
  field?: string;
}

function issue(code: string, message: string, at: IssueLocation): ValidationIssue {
  return {
    code,
    message,
    nodeId: at.nodeId ?? "",
    connectionId: at.connectionId ?? "",
    field: at.field ?? "",
  };
}

/** Validation errors as the field violations of a BAD_REQUEST (one per issue). */
export function issuesToViolations(issues: readonly ValidationIssue[]): FieldViolation[] {
  return issues.map((issue) => ({
    field:
      issue.field !== ""
        ? issue.field
        : issue.connectionId !== ""
          ? `connections.${issue.connectionId}`
          : // A node or the graph as a whole (no trigger, too many nodes): still a named field.
            "nodes",
    description: `${issue.code}: ${issue.message}`,
    ...(issue.nodeId === "" ? {} : { nodeId: issue.nodeId }),
  }));
}
