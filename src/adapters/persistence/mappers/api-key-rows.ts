import type { ApiKeyRecord } from "../../../ports/api-key-repository.js";
import type { ApiKeyRow } from "../schemas/api-key.schema.js";
import type { DbValues } from "../sql/db-values.js";
import type { SqlRow } from "../sql/sql-client.js";

export function apiKeyFromRow(row: SqlRow, values: DbValues): ApiKeyRecord {
  return {
    keyId: String(row.key_id),
    name: String(row.name),
    secretHash: String(row.secret_hash),
    principal: {
      userId: String(row.user_id),
      roles: values.json<string[]>(row.roles),
      communityIds: values.json<number[]>(row.community_ids),
      admin: values.bool(row.admin),
    },
    createdBy: String(row.created_by),
    createdAt: values.date(row.created_at),
    revokedAt: values.dateOrNull(row.revoked_at),
  };
}

export function apiKeyToEntity(record: ApiKeyRecord): ApiKeyRow {
  return {
    keyId: record.keyId,
    name: record.name,
    secretHash: record.secretHash,
    userId: record.principal.userId,
    roles: [...record.principal.roles],
    communityIds: [...record.principal.communityIds],
    admin: record.principal.admin,
    createdBy: record.createdBy,
    createdAt: new Date(record.createdAt),
    revokedAt: record.revokedAt === null ? null : new Date(record.revokedAt),
  };
}
