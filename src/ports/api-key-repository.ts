import type { Principal } from "../domain/permissions/principal.js";

export interface ApiKeyRecord {
  keyId: string;
  name: string;
  /** SHA-256 of the secret, hex. The secret itself is never stored. */
  secretHash: string;
  principal: Omit<Principal, "keyId">;
  createdBy: string;
  createdAt: Date;
  revokedAt: Date | null;
}

export interface ApiKeyRepository {
  create(record: ApiKeyRecord): Promise<void>;
  /** Active (not revoked) key with this hash. */
  findActiveByHash(secretHash: string): Promise<ApiKeyRecord | null>;
  get(keyId: string): Promise<ApiKeyRecord | null>;
  list(includeRevoked: boolean): Promise<ApiKeyRecord[]>;
  revoke(keyId: string, at: Date): Promise<ApiKeyRecord | null>;
}
