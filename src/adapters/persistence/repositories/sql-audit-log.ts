import type { AuditEvent, AuditLog } from "../../../ports/audit-log.js";
import type { SqlDatabase } from "../database/sql-database.js";
import { Statement } from "../database/statement.js";
import type { Row } from "../entities/index.js";
import { auditEventFromRow, auditEventToRow } from "../mappers/audit-event-rows.js";
import { insertAuditEvent } from "../statements/execution-statements.js";
import type { AuditEventFilter, AuditEventReader } from "./audit-event-filter.js";

type Filter = Required<Omit<AuditEventFilter, "limit">> & { limit: number };

/**
 * The audit trail table. `record` only persists (structured logging is layered on top
 * elsewhere). Ids are UUIDv7, so events with the same timestamp keep their insertion order.
 */
export class SqlAuditLog implements AuditLog, AuditEventReader {
  constructor(private readonly db: SqlDatabase) {}

  async record(event: AuditEvent): Promise<void> {
    await this.db.runWrite(insertAuditEvent, auditEventToRow(event));
  }

  /** Persisted by whoever stored the change with it; nothing left to do here. */
  recorded(_event: AuditEvent): void {}

  async list(filter: AuditEventFilter): Promise<AuditEvent[]> {
    const limit = Math.min(Math.max(Math.trunc(filter.limit ?? 100), 1), 1000);
    // The statement's shape depends on which filters are set, so it is built per call.
    const statement = new Statement<Filter, Row<"audit_events">>(({ db, param }) => {
      let query = db.selectFrom("audit_events").selectAll();
      if (filter.workflowId !== undefined)
        query = query.where("workflow_id", "=", param("workflowId"));
      if (filter.executionId !== undefined) {
        query = query.where("execution_id", "=", param("executionId"));
      }
      if (filter.userId !== undefined) query = query.where("user_id", "=", param("userId"));
      if (filter.action !== undefined) query = query.where("action", "=", param("action"));
      if (filter.eventType !== undefined)
        query = query.where("event_type", "=", param("eventType"));
      if (filter.since !== undefined) query = query.where("at", ">=", param("since"));
      if (filter.until !== undefined) query = query.where("at", "<", param("until"));
      return query.orderBy("at", "desc").orderBy("id", "desc").limit(param("limit"));
    }, "audit_events");
    const { rows } = await this.db.run(statement, { ...filter, limit } as Filter);
    return rows.map(auditEventFromRow);
  }
}
