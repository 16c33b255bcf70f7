/** A request as signature checks see it: lower-case header names, the raw body bytes. */
export interface SignedRequest {
  hookId: string;
  headers: Readonly<Record<string, string | undefined>>;
  body: Uint8Array;
  nowMs: number;
}

export type SignatureScheme = "standard_webhooks" | "github" | "x_webhook_signature";

export type SignatureCheck =
  | {
      ok: true;
      scheme: SignatureScheme;
      /** Keys that identify this delivery: any seen before makes it a replay. */
      deliveryKeys: string[];
    }
  | {
      ok: false;
      reason: "SIGNATURE_REQUIRED" | "SIGNATURE_INVALID" | "TIMESTAMP_OUT_OF_RANGE";
      detail: string;
    };

/** Secrets, sealing and signature checks of inbound webhooks (node:crypto, node:net). */
export interface WebhookSecurity {
  /** Whether WEBHOOK_SECRET_KEY is configured (secrets can be sealed and opened). */
  readonly canSeal: boolean;
  /** A new signing secret: `whsec_` and the base64 of 24 random bytes. */
  newSecret(): string;
  seal(secret: string): string;
  open(sealed: string): string;
  /** Checks the signature against each secret (Standard Webhooks, GitHub, X-Webhook-Signature). */
  verify(request: SignedRequest, secrets: readonly string[]): SignatureCheck;
  /** Whether `address` is in one of the IPs or CIDR ranges (an empty list allows every address). */
  addressAllowed(address: string, allowed: readonly string[]): boolean;
}
