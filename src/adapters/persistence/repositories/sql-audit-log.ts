import type { AuditEvent, AuditLog } from "../../../ports/audit-log.js";
import {
  auditEventFromRow,
  auditEventInsertParams,
  insertAuditEventSql,
} from "../mappers/audit-event-rows.js";
import type { PersistenceContext } from "../persistence-context.js";
import type { SqlParam } from "../sql/sql-client.js";
import type { AuditEventFilter, AuditEventReader } from "./audit-event-filter.js";

/**
 * The audit trail table. `record` only persists (structured logging is layered on top
 * elsewhere). Ids are UUIDv7, so events with the same timestamp keep their insertion order.
 */
export class SqlAuditLog implements AuditLog, AuditEventReader {
  constructor(private readonly db: PersistenceContext) {}

  async record(event: AuditEvent): Promise<void> {
    await this.db.sql.run(insertAuditEventSql, auditEventInsertParams(event));
  }

  /** Persisted by whoever stored the change with it; nothing left to do here. */
  recorded(_event: AuditEvent): void {}

  async list(filter: AuditEventFilter): Promise<AuditEvent[]> {
    const conditions: string[] = [];
    const params: SqlParam[] = [];
    const equal = (column: string, value: string | undefined) => {
      if (value === undefined) return;
      conditions.push(`${column} = ?`);
      params.push(value);
    };
    equal("workflow_id", filter.workflowId);
    equal("execution_id", filter.executionId);
    equal("user_id", filter.userId);
    equal("action", filter.action);
    equal("event_type", filter.eventType);
    if (filter.since !== undefined) {
      conditions.push("at >= ?");
      params.push(filter.since);
    }
    if (filter.until !== undefined) {
      conditions.push("at < ?");
      params.push(filter.until);
    }
    const where = conditions.length === 0 ? "" : `where ${conditions.join(" and ")}`;
    const limit = Math.min(Math.max(Math.trunc(filter.limit ?? 100), 1), 1000);
    const rows = await this.db.sql.all(
      `select * from audit_events ${where} order by at desc, id desc limit ?`,
      [...params, limit],
    );
    return rows.map((row) => auditEventFromRow(row, this.db.values));
  }
}
