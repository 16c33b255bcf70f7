import assert from "node:assert/strict";
import { createHmac } from "node:crypto";
import { describe, it } from "node:test";
import { CryptoWebhookSecurity } from "../../../../src/adapters/webhooks/crypto-webhook-security.js";
import { verifySignature } from "../../../../src/adapters/webhooks/webhook-signatures.js";

// The test vector of the Standard Webhooks specification (standard-webhooks/spec).
const vector = {
  secret: "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
  id: "msg_p5jXN8AQM9LWM0D4loKWxJek",
  timestamp: "1614265330",
  payload: '{"test": 2432232314}',
  signature: "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=",
};

const standard = (overrides: Record<string, string> = {}, nowMs = 1614265330_000) =>
  verifySignature(
    {
      hookId: "wh_x",
      headers: {
        "webhook-id": vector.id,
        "webhook-timestamp": vector.timestamp,
        "webhook-signature": vector.signature,
        ...overrides,
      },
      body: Buffer.from(vector.payload),
      nowMs,
    },
    [vector.secret],
  );

describe("webhook signatures", () => {
  it("accepts the Standard Webhooks specification's vector, the delivery id is the message id", () => {
    assert.deepEqual(standard(), {
      ok: true,
      scheme: "standard_webhooks",
      deliveryKeys: [`id:${vector.id}`],
    });
    // Several signatures (a rotation on the sender's side): any one that matches is enough.
    assert.equal(standard({ "webhook-signature": `v1,Zm9v ${vector.signature}` }).ok, true);
  });

  it("refuses a changed body, id or timestamp, and timestamps over 5 minutes away", () => {
    assert.deepEqual(standard({ "webhook-id": "msg_other" }).ok, false);
    const tampered = verifySignature(
      {
        hookId: "wh_x",
        headers: {
          "webhook-id": vector.id,
          "webhook-timestamp": vector.timestamp,
          "webhook-signature": vector.signature,
        },
        body: Buffer.from('{"test": 2432232315}'),
        nowMs: 1614265330_000,
      },
      [vector.secret],
    );
    assert.equal(tampered.ok === false && tampered.reason, "SIGNATURE_INVALID");
    const late = standard({}, 1614265330_000 + 5 * 60_000 + 1);
    assert.equal(late.ok === false && late.reason, "TIMESTAMP_OUT_OF_RANGE");
    const early = standard({}, 1614265330_000 - 5 * 60_000 - 1);
    assert.equal(early.ok === false && early.reason, "TIMESTAMP_OUT_OF_RANGE");
    assert.equal(standard({}, 1614265330_000 + 5 * 60_000).ok, true);
  });

  it("GitHub X-Hub-Signature-256 and X-Webhook-Signature are HMAC-SHA256 hex; each signature is a delivery key", () => {
    const body = Buffer.from('{"zen":"Keep it logically awesome."}');
    const secret = "It's a Secret to Everybody";
    // GitHub's documented example: secret "It's a Secret to Everybody", payload "Hello, World!".
    const documented = verifySignature(
      {
        hookId: "wh_x",
        headers: {
          "x-hub-signature-256":
            "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17",
        },
        body: Buffer.from("Hello, World!"),
        nowMs: 0,
      },
      [secret],
    );
    assert.equal(documented.ok, true);
    const hex = createHmac("sha256", secret)
      .update(Buffer.concat([Buffer.from("wh_x"), body]))
      .digest("hex");
    const original = verifySignature(
      { hookId: "wh_x", headers: { "x-webhook-signature": `sha256=${hex}` }, body, nowMs: 0 },
      ["other", secret],
    );
    assert.deepEqual(original, {
      ok: true,
      scheme: "x_webhook_signature",
      deliveryKeys: [`sig:${hex}`],
    });
    const missing = verifySignature({ hookId: "wh_x", headers: {}, body, nowMs: 0 }, [secret]);
    assert.equal(missing.ok === false && missing.reason, "SIGNATURE_REQUIRED");
  });

  it("seals secrets with AES-256-GCM and opens them; the allow-list takes IPs and CIDRs", () => {
    const security = new CryptoWebhookSecurity(Buffer.alloc(32, 7));
    const secret = security.newSecret();
    assert.match(secret, /^whsec_[A-Za-z0-9+/]{32}$/);
    const sealed = security.seal(secret);
    assert.ok(!sealed.includes(secret.slice(6)));
    assert.equal(security.open(sealed), secret);
    assert.throws(() => new CryptoWebhookSecurity(Buffer.alloc(32, 8)).open(sealed));
    assert.equal(security.addressAllowed("10.1.2.3", ["10.0.0.0/8"]), true);
    assert.equal(security.addressAllowed("::ffff:10.1.2.3", ["10.0.0.0/8"]), true);
    assert.equal(security.addressAllowed("11.1.2.3", ["10.0.0.0/8", "192.168.1.1"]), false);
    assert.equal(security.addressAllowed("2001:db8::1", ["2001:db8::/32"]), true);
    assert.equal(security.addressAllowed("anything", []), true);
  });
});
