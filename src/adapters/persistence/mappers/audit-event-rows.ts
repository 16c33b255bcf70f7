import { v7 as uuidv7 } from "uuid";
import type { AuditEvent, AuditEventType, AuditResult } from "../../../ports/audit-log.js";
import type { NewRow, Row } from "../entities/index.js";

/** Ids are UUIDv7, so events with the same timestamp keep their insertion order. */
export function auditEventToRow(event: AuditEvent): Required<NewRow<"audit_events">> {
  return {
    id: uuidv7(),
    at: event.at,
    event_type: event.eventType,
    action: event.action,
    result: event.result,
    user_id: event.userId,
    community_id: event.communityId,
    workflow_id: event.workflowId,
    execution_id: event.executionId,
    details: event.details,
  };
}

export function auditEventFromRow(row: Row<"audit_events">): AuditEvent {
  return {
    eventType: row.event_type as AuditEventType,
    action: row.action,
    result: row.result as AuditResult,
    userId: row.user_id,
    communityId: row.community_id,
    workflowId: row.workflow_id,
    executionId: row.execution_id,
    details: row.details,
    at: row.at,
  };
}
