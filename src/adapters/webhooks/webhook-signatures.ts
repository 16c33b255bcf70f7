import { createHmac, timingSafeEqual } from "node:crypto";
import type { SignatureCheck, SignedRequest } from "../../ports/webhook-security.js";

/** Standard Webhooks and GitHub-style timestamps are accepted within 5 minutes of now. */
export const toleranceMs = 5 * 60 * 1000;

function equal(a: Buffer, b: Buffer): boolean {
  return a.length === b.length && timingSafeEqual(a, b);
}

/** The HMAC key of a secret for the Standard Webhooks scheme: whsec_ secrets are base64. */
function standardKey(secret: string): Buffer {
  return secret.startsWith("whsec_")
    ? Buffer.from(secret.slice("whsec_".length), "base64")
    : Buffer.from(secret, "utf8");
}

/**
 * Standard Webhooks (standardwebhooks.com): `webhook-signature` lists `v1,<base64 HMAC-SHA256
 * of "{webhook-id}.{webhook-timestamp}.{body}">`; the timestamp (seconds) must be within 5
 * minutes; the id identifies the delivery.
 */
function standard(request: SignedRequest, secrets: readonly string[]): SignatureCheck {
  const id = request.headers["webhook-id"];
  const timestamp = request.headers["webhook-timestamp"];
  const signature = request.headers["webhook-signature"] ?? "";
  if (id === undefined || timestamp === undefined) {
    return {
      ok: false,
      reason: "SIGNATURE_REQUIRED",
      detail: "webhook-id and webhook-timestamp are required",
    };
  }
  if (!/^\d{1,15}$/.test(timestamp)) {
    return {
      ok: false,
      reason: "TIMESTAMP_OUT_OF_RANGE",
      detail: "webhook-timestamp must be seconds since 1970",
    };
  }
  if (Math.abs(request.nowMs - Number(timestamp) * 1000) > toleranceMs) {
    return {
      ok: false,
      reason: "TIMESTAMP_OUT_OF_RANGE",
      detail: "webhook-timestamp is more than 5 minutes away",
    };
  }
  const offered = signature
    .split(" ")
    .filter((part) => part.startsWith("v1,"))
    .map((part) => Buffer.from(part.slice(3), "base64"));
  const content = Buffer.concat([Buffer.from(`${id}.${timestamp}.`, "utf8"), request.body]);
  for (const secret of secrets) {
    const expected = createHmac("sha256", standardKey(secret)).update(content).digest();
    if (offered.some((candidate) => equal(candidate, expected))) {
      return { ok: true, scheme: "standard_webhooks", deliveryKeys: [`id:${id}`] };
    }
  }
  return {
    ok: false,
    reason: "SIGNATURE_INVALID",
    detail: "no webhook-signature matches a secret of the hook",
  };
}

/** `sha256=<hex>` against each secret's HMAC of `content`; the matching hex or null. */
function hexSignature(header: string, content: Buffer, secrets: readonly string[]): string | null {
  const match = /^sha256=([0-9a-f]{64})$/i.exec(header.trim());
  if (match === null) return null;
  const offered = Buffer.from((match[1] as string).toLowerCase(), "hex");
  for (const secret of secrets) {
    const expected = createHmac("sha256", Buffer.from(secret, "utf8")).update(content).digest();
    if (equal(offered, expected)) return expected.toString("hex");
  }
  return null;
}

/**
 * GitHub: `X-Hub-Signature-256: sha256=<hex HMAC of the body>`. It carries no timestamp, so a
 * signature is accepted once (and `X-GitHub-Delivery`, when sent, once).
 */
function github(request: SignedRequest, secrets: readonly string[]): SignatureCheck {
  const header = request.headers["x-hub-signature-256"] ?? "";
  const hex = hexSignature(header, Buffer.from(request.body), secrets);
  if (hex === null) {
    return {
      ok: false,
      reason: "SIGNATURE_INVALID",
      detail: "X-Hub-Signature-256 does not match a secret of the hook",
    };
  }
  const delivery = request.headers["x-github-delivery"];
  return {
    ok: true,
    scheme: "github",
    deliveryKeys: [`sig:${hex}`, ...(delivery === undefined ? [] : [`gh:${delivery}`])],
  };
}

/**
 * The original module's `X-Webhook-Signature: sha256=<hex HMAC of (hook id + body)>`. It has
 * no timestamp or nonce, which let any captured request be replayed: here each signature is
 * accepted once, so a replay is refused (a sender must not send the same body twice).
 */
function original(request: SignedRequest, secrets: readonly string[]): SignatureCheck {
  const header = request.headers["x-webhook-signature"] ?? "";
  const content = Buffer.concat([Buffer.from(request.hookId, "utf8"), request.body]);
  const hex = hexSignature(header, content, secrets);
  if (hex === null) {
    return {
      ok: false,
      reason: "SIGNATURE_INVALID",
      detail: "X-Webhook-Signature does not match a secret of the hook",
    };
  }
  return { ok: true, scheme: "x_webhook_signature", deliveryKeys: [`sig:${hex}`] };
}

/** Picks the scheme by the headers present (Standard Webhooks first). */
export function verifySignature(
  request: SignedRequest,
  secrets: readonly string[],
): SignatureCheck {
  const h = request.headers;
  if (h["webhook-signature"] !== undefined) return standard(request, secrets);
  if (h["x-hub-signature-256"] !== undefined) return github(request, secrets);
  if (h["x-webhook-signature"] !== undefined) return original(request, secrets);
  return {
    ok: false,
    reason: "SIGNATURE_REQUIRED",
    detail:
      "the hook needs a signature: webhook-signature, X-Hub-Signature-256 or X-Webhook-Signature",
  };
}
