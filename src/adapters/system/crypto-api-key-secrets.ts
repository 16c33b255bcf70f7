import { createHash, randomBytes } from "node:crypto";
import type { ApiKeySecrets } from "../../application/api-keys/api-key-secrets.js";

const prefix = "wfk_";

/** `wfk_` + 32 random bytes (base64url); stored only as their SHA-256 (hex). */
export class CryptoApiKeySecrets implements ApiKeySecrets {
  generate(): string {
    return prefix + randomBytes(32).toString("base64url");
  }

  hash(secret: string): string {
    return createHash("sha256").update(secret, "utf8").digest("hex");
  }
}
