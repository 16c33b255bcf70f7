import { defineEntity, p } from "@mikro-orm/core";

/** `audit_events`: the persisted audit trail. */
export const AuditEventEntity = defineEntity({
  name: "AuditEventRow",
  tableName: "audit_events",
  properties: {
    /** UUIDv7, so ties on `at` keep insertion order. */
    id: p.text().primary(),
    at: p.datetime(3).index("audit_events_at_idx"),
    eventType: p.text(),
    action: p.text(),
    result: p.text(),
    userId: p.text(),
    communityId: p.bigint("number").nullable(),
    workflowId: p.text().nullable(),
    executionId: p.text().nullable(),
    details: p.json<Record<string, unknown>>(),
  },
  indexes: [{ name: "audit_events_workflow_at_idx", properties: ["workflowId", "at"] }],
});
