export type AuditEventType = "AUDIT" | "AUTHZ" | "ERROR" | "SYSTEM";
export type AuditResult = "SUCCESS" | "FAILURE" | "DENIED";

/** One entry of the audit trail (the quick reference's AAA fields). */
export interface AuditEvent {
  eventType: AuditEventType;
  action: string;
  result: AuditResult;
  userId: string;
  communityId: number | null;
  workflowId: string | null;
  executionId: string | null;
  details: Record<string, unknown>;
  at: Date;
}

export interface AuditLog {
  /** Persists the event and writes it to the structured log. */
  record(event: AuditEvent): Promise<void>;
  /**
   * Writes to the structured log an event that was already persisted, in the same transaction
   * as the change it describes (see ExecutionRepository.insert).
   */
  recorded(event: AuditEvent): void;
}
