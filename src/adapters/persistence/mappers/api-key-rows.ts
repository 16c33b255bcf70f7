import type { ApiKeyRecord } from "../../../ports/api-key-repository.js";
import type { NewRow, Row } from "../entities/index.js";

export function apiKeyFromRow(row: Row<"api_keys">): ApiKeyRecord {
  return {
    keyId: row.key_id,
    name: row.name,
    secretHash: row.secret_hash,
    principal: {
      userId: row.user_id,
      roles: row.roles,
      communityIds: row.community_ids,
      admin: row.admin,
      // Only dispatch keys carry the flag, so other principals read back as they were written.
      ...(row.can_dispatch ? { canDispatch: true } : {}),
    },
    createdBy: row.created_by,
    createdAt: row.created_at,
    revokedAt: row.revoked_at,
  };
}

export function apiKeyToRow(record: ApiKeyRecord): Required<NewRow<"api_keys">> {
  return {
    key_id: record.keyId,
    name: record.name,
    secret_hash: record.secretHash,
    user_id: record.principal.userId,
    roles: record.principal.roles,
    community_ids: record.principal.communityIds,
    admin: record.principal.admin,
    can_dispatch: record.principal.canDispatch === true,
    created_by: record.createdBy,
    created_at: record.createdAt,
    revoked_at: record.revokedAt,
  };
}
