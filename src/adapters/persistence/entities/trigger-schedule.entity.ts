import { defineEntity, p } from "@mikro-orm/core";
import type { ScheduleTriggerConfig } from "../../../domain/workflow/node-types/triggers.js";
import { WorkflowEntity } from "./workflow.entity.js";

/**
 * `trigger_schedules`: one row per published trigger_schedule node. A tick is fired by the
 * process whose compare-and-set moves `next_fire_at` from that tick to the next one, in the
 * transaction that stores the run: exactly one process fires each tick.
 */
export const TriggerScheduleEntity = defineEntity({
  name: "TriggerScheduleRow",
  tableName: "trigger_schedules",
  properties: {
    workflowId: () =>
      p
        .manyToOne(WorkflowEntity)
        .mapToPk()
        .primary()
        .fieldName("workflow_id")
        .deleteRule("cascade")
        .updateRule("cascade")
        .index(false),
    nodeId: p.text().primary(),
    communityId: p.bigint("number"),
    entityId: p.bigint("number"),
    workflowVersion: p.integer(),
    config: p.json<ScheduleTriggerConfig>(),
    /** Epoch ms of the next tick; null when the schedule has ended. */
    nextFireAt: p.bigint("number").nullable().index("trigger_schedules_next_idx"),
    fireCount: p.integer().default(0),
    lastFireAt: p.bigint("number").nullable(),
    lastExecutionId: p.text().nullable(),
  },
});
