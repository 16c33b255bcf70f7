import { DomainError } from "../../domain/errors.js";
import type { Principal } from "../../domain/permissions/principal.js";
import type { Clock } from "../../domain/ports/clock.js";
import type { ApiKeyRecord, ApiKeyRepository } from "../../ports/api-key-repository.js";
import { checkIds } from "../input-limits/input-check.js";
import type { Auditor } from "../shared/audit.js";
import { requireAdmin } from "./require-admin.js";

/**
 * Revokes a key; from then on it authenticates nothing. Revoking a revoked key returns it
 * unchanged. Admins only; audited.
 */
export class RevokeApiKey {
  constructor(
    private readonly keys: ApiKeyRepository,
    private readonly clock: Clock,
    private readonly auditor: Auditor,
  ) {}

  async execute(caller: Principal, keyId: string): Promise<ApiKeyRecord> {
    await requireAdmin(caller, "revoke_api_key", this.auditor);
    if (keyId.trim() === "") {
      throw DomainError.badRequest("key_id is required", [
        { field: "key_id", description: "key_id is required" },
      ]);
    }
    checkIds({ key_id: keyId });
    const existing = await this.keys.get(keyId);
    if (existing === null) {
      throw DomainError.notFound(`API key ${keyId} not found`, { key_id: keyId });
    }
    if (existing.revokedAt !== null) return existing;
    const revoked = await this.keys.revoke(keyId, new Date(this.clock.now()));
    if (revoked === null) {
      throw DomainError.notFound(`API key ${keyId} not found`, { key_id: keyId });
    }
    await this.auditor.success(
      caller,
      "revoke_api_key",
      { communityId: null },
      { revoked_key_id: keyId, name: revoked.name, for_user: revoked.principal.userId },
    );
    return revoked;
  }
}
