import type { AuditEvent, AuditLog } from "../../ports/audit-log.js";
import type { Logger } from "../../ports/logger.js";

/**
 * Writes every audit event to the structured log (the quick reference's AAA fields), then
 * hands it to the persistent store. The log line comes first, so an event is never lost
 * silently when the store fails.
 */
export class LoggingAuditLog implements AuditLog {
  constructor(
    private readonly inner: AuditLog,
    private readonly logger: Logger,
  ) {}

  async record(event: AuditEvent): Promise<void> {
    this.write(event);
    await this.inner.record(event);
  }

  recorded(event: AuditEvent): void {
    this.write(event);
    this.inner.recorded(event);
  }

  private write(event: AuditEvent): void {
    const fields = {
      event_type: event.eventType,
      user: event.userId,
      community: event.communityId === null ? null : String(event.communityId),
      action: event.action,
      result: event.result,
      workflow_id: event.workflowId,
      execution_id: event.executionId,
      details: event.details,
      at: event.at.toISOString(),
    };
    const message = `${event.eventType} ${event.action} ${event.result}`;
    if (event.eventType === "ERROR") this.logger.error(fields, message);
    else if (event.result === "SUCCESS") this.logger.info(fields, message);
    else this.logger.warn(fields, message);
  }
}
