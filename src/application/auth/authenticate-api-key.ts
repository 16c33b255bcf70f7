import { DomainError } from "../../domain/errors.js";
import type { Principal } from "../../domain/permissions/principal.js";
import type { ApiKeyRepository } from "../../ports/api-key-repository.js";
import type { Logger } from "../../ports/logger.js";
import type { ApiKeySecrets } from "../api-keys/api-key-secrets.js";
import { inputLimits } from "../input-limits/input-limits.js";

/**
 * Turns the secret from X-API-Key into the principal of an active key. Missing, unknown and
 * revoked keys are all UNAUTHORIZED and logged as AUTH failures (never with the secret).
 */
export class AuthenticateApiKey {
  constructor(
    private readonly keys: ApiKeyRepository,
    private readonly secrets: ApiKeySecrets,
    private readonly logger: Logger,
  ) {}

  async execute(secret: string | null, action: string): Promise<Principal> {
    if (secret === null || secret.trim() === "") {
      this.fail(action, "missing_api_key");
      throw new DomainError("unauthenticated", "UNAUTHORIZED", "missing API key (X-API-Key)");
    }
    const record =
      // Longer values are refused without hashing them.
      secret.length > inputLimits.text.apiKeySecret
        ? null
        : await this.keys.findActiveByHash(this.secrets.hash(secret.trim()));
    if (record === null) {
      this.fail(action, "unknown_or_revoked_api_key");
      throw new DomainError("unauthenticated", "UNAUTHORIZED", "invalid or revoked API key");
    }
    return { ...record.principal, keyId: record.keyId };
  }

  /**
   * For a call that outlives its authentication (a stream): UNAUTHORIZED once the key that
   * authenticated `principal` is revoked (or gone), logged as the first check logs it.
   */
  async recheck(principal: Principal, action: string): Promise<void> {
    const record = await this.keys.get(principal.keyId);
    if (record !== null && record.revokedAt === null) return;
    this.fail(action, "api_key_revoked_during_call");
    throw new DomainError("unauthenticated", "UNAUTHORIZED", "invalid or revoked API key");
  }

  private fail(action: string, reason: string): void {
    this.logger.warn(
      {
        event_type: "AUTH",
        user: "anonymous",
        community: null,
        action,
        result: "FAILURE",
        reason,
      },
      "authentication failed",
    );
  }
}
