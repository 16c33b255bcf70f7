import type { Principal } from "../../domain/permissions/principal.js";
import type { Clock } from "../../domain/ports/clock.js";
import type { AuditEvent, AuditLog, AuditResult } from "../../ports/audit-log.js";

interface AuditSubject {
  communityId: number | null;
  workflowId?: string | null;
  executionId?: string | null;
}

/** Writes audit events with the fields every use case fills the same way. */
export class Auditor {
  constructor(
    private readonly log: AuditLog,
    private readonly clock: Clock,
  ) {}

  success(
    principal: Principal,
    action: string,
    subject: AuditSubject,
    details: Record<string, unknown> = {},
  ): Promise<void> {
    return this.log.record(this.event("AUDIT", "SUCCESS", principal, action, subject, details));
  }

  failure(
    principal: Principal,
    action: string,
    subject: AuditSubject,
    details: Record<string, unknown> = {},
  ): Promise<void> {
    return this.log.record(this.event("AUDIT", "FAILURE", principal, action, subject, details));
  }

  denied(
    principal: Principal,
    action: string,
    subject: AuditSubject,
    details: Record<string, unknown> = {},
  ): Promise<void> {
    return this.log.record(this.event("AUTHZ", "DENIED", principal, action, subject, details));
  }

  /**
   * A success event for the caller to persist together with the change it describes; pass it
   * to `recorded` once that change is stored.
   */
  successEvent(
    principal: Principal,
    action: string,
    subject: AuditSubject,
    details: Record<string, unknown> = {},
  ): AuditEvent {
    return this.event("AUDIT", "SUCCESS", principal, action, subject, details);
  }

  /** Logs an event persisted by the caller (see `successEvent`). */
  recorded(event: AuditEvent): void {
    this.log.recorded(event);
  }

  private event(
    eventType: "AUDIT" | "AUTHZ",
    result: AuditResult,
    principal: Principal,
    action: string,
    subject: AuditSubject,
    details: Record<string, unknown>,
  ): AuditEvent {
    return {
      eventType,
      action,
      result,
      userId: principal.userId,
      communityId: subject.communityId,
      workflowId: subject.workflowId ?? null,
      executionId: subject.executionId ?? null,
      details: { key_id: principal.keyId, ...details },
      at: new Date(this.clock.now()),
    };
  }
}
