import { defineEntity, p } from "@mikro-orm/core";
import { TriggerWebhookEntity } from "./trigger-webhook.entity.js";

/** `webhook_secrets`: signing secrets of a hook, sealed with WEBHOOK_SECRET_KEY. */
export const WebhookSecretEntity = defineEntity({
  name: "WebhookSecretRow",
  tableName: "webhook_secrets",
  properties: {
    secretId: p.text().primary(),
    hookId: () =>
      p
        .manyToOne(TriggerWebhookEntity)
        .mapToPk()
        .fieldName("hook_id")
        .deleteRule("cascade")
        .updateRule("cascade")
        .index("webhook_secrets_hook_idx"),
    /** AES-256-GCM: base64url of nonce, tag and ciphertext. */
    sealed: p.text(),
    createdAt: p.datetime(3),
    /** After a rotation the older secrets still verify until this instant; null = no end. */
    expiresAt: p.datetime(3).nullable(),
  },
});
