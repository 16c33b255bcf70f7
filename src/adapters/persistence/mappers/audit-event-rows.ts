import type { AuditEvent, AuditEventType, AuditResult } from "../../../ports/audit-log.js";
import type { DbValues } from "../sql/db-values.js";
import type { SqlRow } from "../sql/sql-client.js";
import { textOrNull } from "./column-values.js";

export function auditEventFromRow(row: SqlRow, values: DbValues): AuditEvent {
  return {
    eventType: row.event_type as AuditEventType,
    action: String(row.action),
    result: row.result as AuditResult,
    userId: String(row.user_id),
    communityId: values.intOrNull(row.community_id),
    workflowId: textOrNull(row.workflow_id),
    executionId: textOrNull(row.execution_id),
    details: values.json<Record<string, unknown>>(row.details),
    at: values.date(row.at),
  };
}
