import { DomainError } from "../../../domain/errors.js";
import type { ApiKeyRecord, ApiKeyRepository } from "../../../ports/api-key-repository.js";
import { apiKeyFromRow, apiKeyToEntity } from "../mappers/api-key-rows.js";
import type { PersistenceContext } from "../persistence-context.js";
import { ApiKeySchema } from "../schemas/api-key.schema.js";
import { violatedConstraint } from "../sql/sql-errors.js";

/** API keys by id and by secret hash; revoking keeps the row. */
export class MikroOrmApiKeyRepository implements ApiKeyRepository {
  constructor(private readonly db: PersistenceContext) {}

  async create(record: ApiKeyRecord): Promise<void> {
    try {
      await this.db.fork().insert(ApiKeySchema, apiKeyToEntity(record));
    } catch (error) {
      if (violatedConstraint(error) !== "unique") throw error;
      throw new DomainError("already_exists", "ALREADY_EXISTS", "API key already exists", {
        metadata: { key_id: record.keyId },
        cause: error,
      });
    }
  }

  async findActiveByHash(secretHash: string): Promise<ApiKeyRecord | null> {
    const rows = await this.db.sql.all(
      "select * from api_keys where secret_hash = ? and revoked_at is null",
      [secretHash],
    );
    return rows[0] === undefined ? null : apiKeyFromRow(rows[0], this.db.values);
  }

  async get(keyId: string): Promise<ApiKeyRecord | null> {
    const rows = await this.db.sql.all("select * from api_keys where key_id = ?", [keyId]);
    return rows[0] === undefined ? null : apiKeyFromRow(rows[0], this.db.values);
  }

  async list(includeRevoked: boolean): Promise<ApiKeyRecord[]> {
    const rows = await this.db.sql.all(
      includeRevoked
        ? "select * from api_keys order by created_at, key_id"
        : "select * from api_keys where revoked_at is null order by created_at, key_id",
    );
    return rows.map((row) => apiKeyFromRow(row, this.db.values));
  }

  /** Sets revokedAt once; revoking again keeps the first time. Null when the key is unknown. */
  async revoke(keyId: string, at: Date): Promise<ApiKeyRecord | null> {
    await this.db.fork().nativeUpdate(ApiKeySchema, { keyId, revokedAt: null }, { revokedAt: at });
    return this.get(keyId);
  }
}
