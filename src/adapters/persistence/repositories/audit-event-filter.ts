import type { AuditEvent, AuditEventType } from "../../../ports/audit-log.js";

/** Which audit events to read back (admin tools and tests); every field narrows. */
export interface AuditEventFilter {
  workflowId?: string;
  executionId?: string;
  userId?: string;
  action?: string;
  eventType?: AuditEventType;
  /** Inclusive. */
  since?: Date;
  /** Exclusive. */
  until?: Date;
  /** 1..1000; default 100. */
  limit?: number;
}

/** Reads the persisted audit trail, newest first. */
export interface AuditEventReader {
  list(filter: AuditEventFilter): Promise<AuditEvent[]>;
}
