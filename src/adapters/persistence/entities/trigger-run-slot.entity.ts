import { defineEntity, p } from "@mikro-orm/core";
import { WorkflowExecutionEntity } from "./workflow-execution.entity.js";

/**
 * `trigger_run_slots`: the concurrency key of each run a concurrency-limited trigger started;
 * a run holds its slot while it is pending or running.
 */
export const TriggerRunSlotEntity = defineEntity({
  name: "TriggerRunSlotRow",
  tableName: "trigger_run_slots",
  properties: {
    executionId: () =>
      p
        .manyToOne(WorkflowExecutionEntity)
        .mapToPk()
        .primary()
        .fieldName("execution_id")
        .deleteRule("cascade")
        .updateRule("cascade")
        .index(false),
    slotKey: p.text().index("trigger_run_slots_key_idx"),
  },
});
