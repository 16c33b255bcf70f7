import { defineEntity, p } from "@mikro-orm/core";

/** `webhook_deliveries`: delivery ids (and signatures) already accepted, to refuse replays. */
export const WebhookDeliveryEntity = defineEntity({
  name: "WebhookDeliveryRow",
  tableName: "webhook_deliveries",
  properties: {
    hookId: p.text().primary(),
    deliveryKey: p.text().primary(),
    receivedAt: p.datetime(3).index("webhook_deliveries_received_idx"),
  },
});
