import { DomainError } from "../../../domain/errors.js";
import type { ApiKeyRecord, ApiKeyRepository } from "../../../ports/api-key-repository.js";
import type { SqlDatabase } from "../database/sql-database.js";
import { violatedConstraint } from "../database/sql-errors.js";
import { apiKeyFromRow, apiKeyToRow } from "../mappers/api-key-rows.js";
import {
  activeApiKeyByHash,
  activeApiKeys,
  allApiKeys,
  apiKeyById,
  insertApiKey,
  revokeApiKey,
} from "../statements/access-statements.js";

/** API keys by id and by secret hash; revoking keeps the row. */
export class SqlApiKeyRepository implements ApiKeyRepository {
  constructor(private readonly db: SqlDatabase) {}

  async create(record: ApiKeyRecord): Promise<void> {
    try {
      await this.db.runWrite(insertApiKey, apiKeyToRow(record));
    } catch (error) {
      if (violatedConstraint(error) !== "unique") throw error;
      throw new DomainError("already_exists", "ALREADY_EXISTS", "API key already exists", {
        metadata: { key_id: record.keyId },
        cause: error,
      });
    }
  }

  async findActiveByHash(secretHash: string): Promise<ApiKeyRecord | null> {
    const { rows } = await this.db.run(activeApiKeyByHash, { secretHash });
    return rows[0] === undefined ? null : apiKeyFromRow(rows[0]);
  }

  async get(keyId: string): Promise<ApiKeyRecord | null> {
    const { rows } = await this.db.run(apiKeyById, { keyId });
    return rows[0] === undefined ? null : apiKeyFromRow(rows[0]);
  }

  async list(includeRevoked: boolean): Promise<ApiKeyRecord[]> {
    const { rows } = await this.db.run(includeRevoked ? allApiKeys : activeApiKeys, {});
    return rows.map(apiKeyFromRow);
  }

  /** Sets revokedAt once; revoking again keeps the first time. Null when the key is unknown. */
  async revoke(keyId: string, at: Date): Promise<ApiKeyRecord | null> {
    await this.db.runWrite(revokeApiKey, { keyId, at });
    return this.get(keyId);
  }
}
