import { defineEntity, p } from "@mikro-orm/core";
import type { WebhookTriggerConfig } from "../../../domain/workflow/node-types/trigger-webhook.js";
import { WorkflowEntity } from "./workflow.entity.js";

/** `trigger_webhooks`: the inbound hook of each published trigger_webhook node. */
export const TriggerWebhookEntity = defineEntity({
  name: "TriggerWebhookRow",
  tableName: "trigger_webhooks",
  properties: {
    /** The unguessable id in the URL `/hooks/{hook_id}`. */
    hookId: p.text().primary(),
    workflowId: () =>
      p
        .manyToOne(WorkflowEntity)
        .mapToPk()
        .fieldName("workflow_id")
        .deleteRule("cascade")
        .updateRule("cascade")
        .index(false),
    nodeId: p.text(),
    communityId: p.bigint("number"),
    entityId: p.bigint("number"),
    workflowVersion: p.integer(),
    config: p.json<WebhookTriggerConfig>(),
    createdAt: p.datetime(3),
  },
  uniques: [{ name: "trigger_webhooks_node_unique", properties: ["workflowId", "nodeId"] }],
});
