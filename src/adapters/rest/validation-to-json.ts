import type {
  ValidationIssue,
  ValidationReport,
} from "../../application/workflows/workflow-validator.js";
import type { JsonObject } from "../../domain/json.js";

/**
 * The original module's ValidationResult.to_dict(): workflow-level messages in `errors`,
 * node messages in `node_validation_errors` keyed by node id, error_count counting both.
 * `issues` adds the structured form (code, node_id, connection_id, field) the contract has.
 */
export function validationToJson(report: ValidationReport): JsonObject {
  const errors: string[] = [];
  const nodeErrors: Record<string, string[]> = {};
  for (const issue of report.errors) {
    if (issue.nodeId) {
      const list = nodeErrors[issue.nodeId] ?? [];
      list.push(issue.message);
      nodeErrors[issue.nodeId] = list;
    } else {
      errors.push(issue.message);
    }
  }
  return {
    is_valid: report.isValid,
    errors,
    warnings: report.warnings.map((issue) => issue.message),
    node_validation_errors: nodeErrors,
    error_count: report.errors.length,
    warning_count: report.warnings.length,
    issues: {
      errors: report.errors.map(issueToJson),
      warnings: report.warnings.map(issueToJson),
    },
  };
}

function issueToJson(issue: ValidationIssue): JsonObject {
  return {
    code: issue.code,
    message: issue.message,
    node_id: issue.nodeId || null,
    connection_id: issue.connectionId || null,
    field: issue.field || null,
  };
}
