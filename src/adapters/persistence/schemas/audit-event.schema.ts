import { BigIntType, EntitySchema } from "@mikro-orm/core";

/** A row of `audit_events`: the persisted audit trail. */
interface AuditEventRow {
  /** UUIDv7, so ties on `at` keep insertion order. */
  id: string;
  at: Date;
  eventType: string;
  action: string;
  result: string;
  userId: string;
  communityId: number | null;
  workflowId: string | null;
  executionId: string | null;
  details: unknown;
}

export const AuditEventSchema = new EntitySchema<AuditEventRow>({
  name: "AuditEventRow",
  tableName: "audit_events",
  properties: {
    id: { type: "text", primary: true },
    at: { type: "datetime", length: 3, index: "audit_events_at_idx" },
    eventType: { type: "text" },
    action: { type: "text" },
    result: { type: "text" },
    userId: { type: "text" },
    communityId: { type: new BigIntType("number"), nullable: true },
    workflowId: { type: "text", nullable: true },
    executionId: { type: "text", nullable: true },
    details: { type: "json" },
  },
  indexes: [{ name: "audit_events_workflow_at_idx", properties: ["workflowId", "at"] }],
});
