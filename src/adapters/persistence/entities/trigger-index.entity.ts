import { defineEntity, p } from "@mikro-orm/core";
import type { TriggerRule } from "../../../domain/triggers/trigger-rule.js";
import { WorkflowEntity } from "./workflow.entity.js";

/**
 * `trigger_index`: the chat triggers of published workflows, one row per (community, event
 * type, keyword). Dispatch reads the rows of one community, event type and command word (or
 * "" for event triggers) through the primary key; publish and archive replace a workflow's rows
 * in the transaction that changes the workflow.
 */
export const TriggerIndexEntity = defineEntity({
  name: "TriggerIndexRow",
  tableName: "trigger_index",
  properties: {
    communityId: p.bigint("number").primary(),
    eventType: p.text().primary(),
    keyword: p.text().primary(),
    workflowId: () =>
      p
        .manyToOne(WorkflowEntity)
        .mapToPk()
        .primary()
        .fieldName("workflow_id")
        .deleteRule("cascade")
        .updateRule("cascade")
        .index("trigger_index_workflow_idx"),
    nodeId: p.text().primary(),
    rule: p.json<TriggerRule>(),
  },
});
