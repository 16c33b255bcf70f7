import assert from "node:assert/strict";
import { createHmac, randomBytes } from "node:crypto";
import { after, before, describe, it } from "node:test";
import { Code } from "@connectrpc/connect";
import { ExecutionStatus } from "../../../src/gen/waddlebot/workflow/v1/execution_pb.js";
import { TriggerService } from "../../../src/gen/waddlebot/workflow/v1/trigger_service_pb.js";
import { edge, node } from "../../support/workflow-fixtures.js";
import { expectRpcError, json, waitForExecution } from "../executions/exec-support.js";
import { community, startTriggerEnv, type TriggerEnv } from "./trigger-support.js";

interface HookReply {
  status: number;
  // biome-ignore lint/suspicious/noExplicitAny: asserted field by field
  body: any;
}

describe("inbound webhooks POST /hooks/{hook_id}", () => {
  let env: TriggerEnv;
  let owner: ReturnType<TriggerEnv["svc"]["connect"]>;
  before(async () => {
    env = await startTriggerEnv({ WEBHOOK_SECRET_KEY: randomBytes(32).toString("hex") });
    owner = env.svc.connect(TriggerService, "connect-h1", env.ownerKey);
  });
  after(() => env.close());

  const triggers = () => owner as unknown as ReturnType<TriggerEnv["triggers"]>;

  async function hookOf(
    config: Record<string, unknown>,
  ): Promise<{ workflowId: string; hookId: string }> {
    const workflowId = await env.publish({
      name: "hook",
      communityId: community,
      nodes: [
        node("in", "trigger_webhook", { webhook_path: "/donations", ...config } as never),
        node("end", "flow_end", { output_expression: "trigger" }),
      ],
      edges: [edge("in", "output", "end")],
    });
    const { webhooks } = await triggers().listWebhooks({ workflowId });
    assert.equal(webhooks.length, 1);
    const hookId = webhooks[0]?.hookId ?? "";
    assert.match(hookId, /^wh_[A-Za-z0-9_-]{32}$/);
    assert.equal(webhooks[0]?.path, `/hooks/${hookId}`);
    return { workflowId, hookId };
  }

  const post = async (
    hookId: string,
    body: string,
    headers: Record<string, string> = {},
  ): Promise<HookReply> => {
    const res = await fetch(`${env.svc.url}/hooks/${hookId}`, {
      method: "POST",
      headers: { "content-type": "application/json", ...headers },
      body,
    });
    return { status: res.status, body: await res.json() };
  };

  const standardHeaders = (
    secret: string,
    body: string,
    id = `msg_${randomBytes(8).toString("hex")}`,
    at = Date.now(),
  ) => {
    const timestamp = String(Math.floor(at / 1000));
    const key = Buffer.from(secret.slice("whsec_".length), "base64");
    const signature = createHmac("sha256", key)
      .update(`${id}.${timestamp}.${body}`)
      .digest("base64");
    return {
      "webhook-id": id,
      "webhook-timestamp": timestamp,
      "webhook-signature": `v1,${signature}`,
    };
  };

  const finalTrigger = async (executionId: string) => {
    const api = {
      get: (r: { executionId: string }) =>
        env.executions.getExecution(r).then((x) => x.execution as never),
    };
    const done = await waitForExecution(api as never, executionId);
    assert.equal(done.status, ExecutionStatus.COMPLETED);
    return json(done.finalOutput) as Record<string, unknown>;
  };

  it("Standard Webhooks: 202 with the execution id, body and chosen headers as trigger data; replays, stale timestamps and bad signatures refused", async () => {
    const { hookId, workflowId } = await hookOf({ forward_headers: ["x-source"] });
    const unsigned = await post(hookId, '{"amount": 5}');
    assert.equal(unsigned.status, 401);
    assert.equal(unsigned.body.error_code, "SIGNATURE_REQUIRED");

    const { secret } = await triggers().rotateWebhookSecret({ hookId });
    assert.match(secret, /^whsec_/);
    const listed = await triggers().listWebhooks({ workflowId });
    assert.equal(listed.webhooks[0]?.secrets.length, 1);
    assert.ok(
      !JSON.stringify(listed, (_k, v) => (typeof v === "bigint" ? String(v) : v)).includes(
        secret.slice(6),
      ),
    );

    const body = '{"amount": 5, "from": "dana"}';
    const headers = { ...standardHeaders(secret, body), "x-source": "kofi", "x-other": "no" };
    const accepted = await post(hookId, body, headers);
    assert.equal(accepted.status, 202, JSON.stringify(accepted.body));
    assert.equal(accepted.body.data.workflow_id, workflowId);
    const trigger = await finalTrigger(accepted.body.data.execution_id);
    assert.deepEqual(trigger.body, { amount: 5, from: "dana" });
    assert.deepEqual(trigger.headers, { "x-source": "kofi" });
    assert.equal(trigger.hook_id, hookId);

    const replay = await post(hookId, body, headers);
    assert.equal(replay.status, 409);
    assert.equal(replay.body.error_code, "REPLAYED_DELIVERY");
    const stale = await post(
      hookId,
      body,
      standardHeaders(secret, body, undefined, Date.now() - 6 * 60_000),
    );
    assert.equal(stale.status, 401);
    assert.equal(stale.body.error_code, "TIMESTAMP_OUT_OF_RANGE");
    const forged = await post(
      hookId,
      body,
      standardHeaders(`whsec_${randomBytes(24).toString("base64")}`, body),
    );
    assert.equal(forged.status, 401);
    assert.equal(forged.body.error_code, "SIGNATURE_INVALID");
    const notJson = "not json {";
    const broken = await post(hookId, notJson, standardHeaders(secret, notJson));
    assert.equal(broken.status, 400);
    assert.equal(broken.body.error_code, "INVALID_JSON");
  });

  it("GitHub and X-Webhook-Signature; a signature is accepted once", async () => {
    const { hookId } = await hookOf({ require_signature: true });
    const { secret } = await triggers().rotateWebhookSecret({ hookId });
    const body = '{"action":"opened"}';
    const gh = `sha256=${createHmac("sha256", secret).update(body).digest("hex")}`;
    assert.equal(
      (await post(hookId, body, { "x-hub-signature-256": gh, "x-github-delivery": "d1" })).status,
      202,
    );
    assert.equal(
      (await post(hookId, body, { "x-hub-signature-256": gh, "x-github-delivery": "d2" })).body
        .error_code,
      "REPLAYED_DELIVERY",
    );
    const original = `sha256=${createHmac("sha256", secret)
      .update(hookId + body)
      .digest("hex")}`;
    assert.equal((await post(hookId, body, { "x-webhook-signature": original })).status, 202);
    assert.equal((await post(hookId, body, { "x-webhook-signature": original })).status, 409);
  });

  it("rotation keeps the previous secret for the overlap only", async () => {
    const { hookId } = await hookOf({});
    const first = (await triggers().rotateWebhookSecret({ hookId })).secret;
    const second = (await triggers().rotateWebhookSecret({ hookId, overlapSeconds: 3600 })).secret;
    const send = (secret: string) => {
      const body = `{"n": "${randomBytes(4).toString("hex")}"}`;
      return post(hookId, body, standardHeaders(secret, body));
    };
    assert.equal((await send(first)).status, 202);
    assert.equal((await send(second)).status, 202);
    const third = (await triggers().rotateWebhookSecret({ hookId, overlapSeconds: 0 })).secret;
    assert.equal((await send(first)).status, 401);
    assert.equal((await send(second)).status, 401);
    assert.equal((await send(third)).status, 202);
    await expectRpcError(
      env.triggers().rotateWebhookSecret({ hookId }),
      Code.NotFound,
      "WORKFLOW_NOT_FOUND",
    );
  });

  it("unknown hooks, the IP allow-list, the body size and the rate limit refuse with 4xx; refused bodies are never logged", async () => {
    const marker = `secret-body-${randomBytes(6).toString("hex")}`;
    const unknown = await post(`wh_${"A".repeat(32)}`, `{"m":"${marker}"}`);
    assert.equal(unknown.status, 404);
    assert.equal(unknown.body.error_code, "WEBHOOK_NOT_FOUND");
    const fenced = await hookOf({ require_auth: false, allowed_ips: ["10.0.0.0/8"] });
    const refused = await post(fenced.hookId, `{"m":"${marker}"}`);
    assert.equal(refused.status, 403);
    assert.equal(refused.body.error_code, "IP_NOT_ALLOWED");
    const open = await hookOf({
      require_auth: false,
      max_body_bytes: 64,
      rate_limit_max: 2,
      allowed_ips: ["127.0.0.1"],
    });
    const big = await post(open.hookId, `{"m":"${marker}","pad":"${"x".repeat(100)}"}`);
    assert.equal(big.status, 413);
    assert.equal((await post(open.hookId, "{}")).status, 202);
    assert.equal((await post(open.hookId, "")).status, 202);
    const limited = await post(open.hookId, "{}");
    assert.equal(limited.status, 429);
    assert.equal(limited.body.error_code, "RATE_LIMITED");
    assert.equal((await fetch(`${env.svc.url}/hooks/${open.hookId}`)).status, 405);
    assert.ok(!env.svc.logs.text().includes(marker), "a refused body reached the log");
    const denials = env.svc.logs.find(
      (l) => l.action === "receive_webhook" && l.result === "DENIED",
    );
    const reasons = new Set(
      denials.map((l) => (l.details as { refused?: string } | undefined)?.refused ?? l.refused),
    );
    for (const reason of [
      "WEBHOOK_NOT_FOUND",
      "IP_NOT_ALLOWED",
      "PAYLOAD_TOO_LARGE",
      "RATE_LIMITED",
      "SIGNATURE_REQUIRED",
      "REPLAYED_DELIVERY",
    ]) {
      assert.ok(reasons.has(reason), `audit of ${reason}: ${[...reasons].join(",")}`);
    }
  });
});
