import { defineEntity, p } from "@mikro-orm/core";

/** `api_keys`. Only the SHA-256 of the secret is stored. */
export const ApiKeyEntity = defineEntity({
  name: "ApiKeyRow",
  tableName: "api_keys",
  properties: {
    keyId: p.text().primary(),
    name: p.text(),
    secretHash: p.text().unique("api_keys_secret_hash_unique"),
    userId: p.text(),
    roles: p.json<string[]>(),
    communityIds: p.json<number[]>(),
    admin: p.boolean(),
    /** May call TriggerService.DispatchChatEvent (the router's key); granted by an admin. */
    canDispatch: p.boolean().default(false),
    createdBy: p.text(),
    createdAt: p.datetime(3),
    revokedAt: p.datetime(3).nullable(),
  },
});
