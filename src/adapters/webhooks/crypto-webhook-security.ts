import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";
import { BlockList, isIPv4, isIPv6 } from "node:net";
import type {
  SignatureCheck,
  SignedRequest,
  WebhookSecurity,
} from "../../ports/webhook-security.js";
import { verifySignature } from "./webhook-signatures.js";

/**
 * Webhook secrets sealed with AES-256-GCM under WEBHOOK_SECRET_KEY (32 bytes), signature
 * checks, and the IP allow-list (node:net BlockList).
 */
export class CryptoWebhookSecurity implements WebhookSecurity {
  private readonly lists = new Map<string, BlockList>();

  constructor(private readonly key: Buffer | null) {}

  get canSeal(): boolean {
    return this.key !== null;
  }

  newSecret(): string {
    return `whsec_${randomBytes(24).toString("base64")}`;
  }

  seal(secret: string): string {
    const key = this.requireKey();
    const nonce = randomBytes(12);
    const cipher = createCipheriv("aes-256-gcm", key, nonce);
    const body = Buffer.concat([cipher.update(secret, "utf8"), cipher.final()]);
    return Buffer.concat([nonce, cipher.getAuthTag(), body]).toString("base64url");
  }

  open(sealed: string): string {
    const raw = Buffer.from(sealed, "base64url");
    const decipher = createDecipheriv("aes-256-gcm", this.requireKey(), raw.subarray(0, 12));
    decipher.setAuthTag(raw.subarray(12, 28));
    return Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]).toString("utf8");
  }

  verify(request: SignedRequest, secrets: readonly string[]): SignatureCheck {
    return verifySignature(request, secrets);
  }

  addressAllowed(address: string, allowed: readonly string[]): boolean {
    if (allowed.length === 0) return true;
    const plain =
      address.startsWith("::ffff:") && isIPv4(address.slice(7)) ? address.slice(7) : address;
    const family = isIPv4(plain) ? "ipv4" : isIPv6(plain) ? "ipv6" : null;
    if (family === null) return false;
    return this.listOf(allowed).check(plain, family);
  }

  private listOf(allowed: readonly string[]): BlockList {
    const cacheKey = allowed.join(",");
    let list = this.lists.get(cacheKey);
    if (list === undefined) {
      list = new BlockList();
      for (const entry of allowed) {
        const [address, prefix] = entry.split("/") as [string, string | undefined];
        const family = isIPv4(address) ? "ipv4" : "ipv6";
        if (prefix === undefined) list.addAddress(address, family);
        else list.addSubnet(address, Number(prefix), family);
      }
      if (this.lists.size > 1000) this.lists.clear();
      this.lists.set(cacheKey, list);
    }
    return list;
  }

  private requireKey(): Buffer {
    if (this.key === null) throw new Error("WEBHOOK_SECRET_KEY is not configured");
    return this.key;
  }
}
