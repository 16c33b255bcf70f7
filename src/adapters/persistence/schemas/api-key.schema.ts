import { EntitySchema } from "@mikro-orm/core";

/** A row of `api_keys`. Only the SHA-256 of the secret is stored. */
export interface ApiKeyRow {
  keyId: string;
  name: string;
  secretHash: string;
  userId: string;
  roles: string[];
  communityIds: number[];
  admin: boolean;
  createdBy: string;
  createdAt: Date;
  revokedAt: Date | null;
}

export const ApiKeySchema = new EntitySchema<ApiKeyRow>({
  name: "ApiKeyRow",
  tableName: "api_keys",
  properties: {
    keyId: { type: "text", primary: true },
    name: { type: "text" },
    secretHash: { type: "text", unique: "api_keys_secret_hash_unique" },
    userId: { type: "text" },
    roles: { type: "json" },
    communityIds: { type: "json" },
    admin: { type: "boolean" },
    createdBy: { type: "text" },
    createdAt: { type: "datetime", length: 3 },
    revokedAt: { type: "datetime", length: 3, nullable: true },
  },
});
