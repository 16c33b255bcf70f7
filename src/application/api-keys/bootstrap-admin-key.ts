import { DomainError } from "../../domain/errors.js";
import type { Clock } from "../../domain/ports/clock.js";
import type { ApiKeyRecord, ApiKeyRepository } from "../../ports/api-key-repository.js";
import type { AuditLog } from "../../ports/audit-log.js";
import type { IdGenerator } from "../../ports/id-generator.js";
import type { ApiKeySecrets } from "./api-key-secrets.js";

/** `createdBy` of keys made from ADMIN_API_KEY; how a later start-up recognises them. */
const bootstrapCreator = "system:bootstrap";
const bootstrapKeyName = "bootstrap-admin";

interface BootstrapResult {
  /** The key that ADMIN_API_KEY now authenticates as. */
  keyId: string;
  created: boolean;
  /** Earlier bootstrap keys revoked because ADMIN_API_KEY changed. */
  revokedKeyIds: string[];
}

/**
 * Makes the configured ADMIN_API_KEY authenticate an admin principal. Idempotent across
 * restarts; when the value changes, the new value gets a key and the keys made from earlier
 * values are revoked, so a rotated secret stops working.
 */
export class BootstrapAdminKey {
  constructor(
    private readonly keys: ApiKeyRepository,
    private readonly secrets: ApiKeySecrets,
    private readonly ids: IdGenerator,
    private readonly clock: Clock,
    private readonly audit: AuditLog,
  ) {}

  async execute(secret: string): Promise<BootstrapResult> {
    const secretHash = this.secrets.hash(secret);
    const existing = await this.keys.findActiveByHash(secretHash);
    const keyId = existing?.keyId ?? (await this.create(secretHash));
    // Only once the new key exists are the keys of earlier values revoked.
    const revokedKeyIds: string[] = [];
    for (const key of await this.keys.list(false)) {
      if (key.createdBy === bootstrapCreator && key.keyId !== keyId) {
        await this.keys.revoke(key.keyId, new Date(this.clock.now()));
        revokedKeyIds.push(key.keyId);
        await this.record("revoke_bootstrap_api_key", key.keyId);
      }
    }
    return { keyId, created: existing === null, revokedKeyIds };
  }

  private async create(secretHash: string): Promise<string> {
    const record: ApiKeyRecord = {
      keyId: this.ids.next(),
      name: bootstrapKeyName,
      secretHash,
      principal: { userId: "admin", roles: ["admin"], communityIds: [], admin: true },
      createdBy: bootstrapCreator,
      createdAt: new Date(this.clock.now()),
      revokedAt: null,
    };
    try {
      await this.keys.create(record);
    } catch (error) {
      // Secret hashes are unique, revoked keys included: a revoked secret is never revived.
      if (DomainError.is(error) && error.kind === "already_exists") {
        throw new DomainError(
          "failed_precondition",
          "FAILED_PRECONDITION",
          "ADMIN_API_KEY is the secret of a revoked API key; choose a new value",
          { cause: error },
        );
      }
      throw error;
    }
    await this.record("create_bootstrap_api_key", record.keyId);
    return record.keyId;
  }

  private record(action: string, keyId: string): Promise<void> {
    return this.audit.record({
      eventType: "SYSTEM",
      action,
      result: "SUCCESS",
      userId: "system",
      communityId: null,
      workflowId: null,
      executionId: null,
      details: { key_id: keyId, source: "ADMIN_API_KEY" },
      at: new Date(this.clock.now()),
    });
  }
}
