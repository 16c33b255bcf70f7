import { v7 as uuidv7 } from "uuid";
import type { AuditEvent, AuditEventType, AuditResult } from "../../../ports/audit-log.js";
import type { DbValues } from "../sql/db-values.js";
import type { SqlParam, SqlRow } from "../sql/sql-client.js";
import { textOrNull } from "./column-values.js";

const auditEventInsertColumns = [
  "id",
  "at",
  "event_type",
  "action",
  "result",
  "user_id",
  "community_id",
  "workflow_id",
  "execution_id",
  "details",
] as const;

export const insertAuditEventSql = `insert into audit_events (${auditEventInsertColumns.join(", ")}) values (${auditEventInsertColumns.map(() => "?").join(", ")})`;

/** Ids are UUIDv7, so events with the same timestamp keep their insertion order. */
export function auditEventInsertParams(event: AuditEvent): SqlParam[] {
  return [
    uuidv7(),
    event.at,
    event.eventType,
    event.action,
    event.result,
    event.userId,
    event.communityId,
    event.workflowId,
    event.executionId,
    JSON.stringify(event.details),
  ];
}

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
