import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { Code, ConnectError } from "@connectrpc/connect";
import { ExecutionStatus } from "../../../src/gen/waddlebot/workflow/v1/execution_pb.js";
import { expectRpcError, json, sleep, waitForExecution } from "../executions/exec-support.js";
import {
  community,
  echoTrigger,
  outcomeOf,
  slowTrigger,
  startedId,
  startTriggerEnv,
  type TriggerEnv,
} from "./trigger-support.js";

function cooldownOf(outcome: ReturnType<typeof outcomeOf>) {
  assert.equal(outcome.case, "cooldown", `expected cooldown, got ${outcome.case}`);
  return outcome.value as { remainingMs: bigint; scope: string; replyExecutionId: string };
}

describe("cooldowns and concurrency limits", () => {
  let env: TriggerEnv;
  before(async () => {
    env = await startTriggerEnv();
  });
  after(() => env.close());

  it("a global cooldown admits one run; roles that bypass it still start", async () => {
    const id = await env.publish(
      echoTrigger({
        command_pattern: "!gc",
        cooldown_seconds: 600,
        cooldown_bypass_roles: ["broadcaster"],
      }),
    );
    startedId(await env.dispatch({ message: "!gc" }), id);
    const second = cooldownOf(
      outcomeOf(await env.dispatch({ message: "!gc", user: { id: "u2" } }), id),
    );
    assert.equal(second.scope, "global");
    assert.ok(
      second.remainingMs > 590_000n && second.remainingMs <= 600_000n,
      String(second.remainingMs),
    );
    assert.equal(second.replyExecutionId, "");
    startedId(await env.dispatch({ message: "!gc", user: { roles: ["Broadcaster"] } }), id);
  });

  it("a per-user cooldown holds back the same user only", async () => {
    const id = await env.publish(
      echoTrigger({ command_pattern: "!uc", user_cooldown_seconds: 600 }),
    );
    startedId(await env.dispatch({ message: "!uc", user: { id: "a" } }), id);
    assert.equal(
      cooldownOf(outcomeOf(await env.dispatch({ message: "!uc", user: { id: "a" } }), id)).scope,
      "user",
    );
    startedId(await env.dispatch({ message: "!uc", user: { id: "b" } }), id);
    // The same user id on another platform is another user.
    const discord = await env.publish(
      echoTrigger({
        command_pattern: "!ucd",
        user_cooldown_seconds: 600,
        platforms: ["twitch", "discord"],
      }),
    );
    startedId(await env.dispatch({ message: "!ucd", user: { id: "a" } }), discord);
    startedId(
      await env.dispatch({ message: "!ucd", user: { id: "a" }, platform: "discord" }),
      discord,
    );
  });

  it("a refused user cooldown does not use up the global one (all or nothing)", async () => {
    const id = await env.publish(
      echoTrigger({ command_pattern: "!both", cooldown_seconds: 1, user_cooldown_seconds: 600 }),
    );
    startedId(await env.dispatch({ message: "!both", user: { id: "x" } }), id);
    // Wait out the short global cooldown by polling (no timing assertion).
    for (;;) {
      const outcome = outcomeOf(await env.dispatch({ message: "!both", user: { id: "x" } }), id);
      if (cooldownOf(outcome).scope === "user") break;
      await sleep(50);
    }
    // Had the refused admission taken the global cooldown, this one would be refused.
    startedId(await env.dispatch({ message: "!both", user: { id: "y" } }), id);
  });

  it("a cooldown starts the reply workflow with remaining_ms in its trigger data", async () => {
    const replyId = await env.publish(
      echoTrigger({ command_pattern: "!unused-reply" }, { name: "reply" }),
    );
    const id = await env.publish(
      echoTrigger({
        command_pattern: "!cr",
        cooldown_seconds: 600,
        cooldown_reply_workflow_id: replyId,
      }),
    );
    startedId(await env.dispatch({ message: "!cr" }), id);
    const cooldown = cooldownOf(outcomeOf(await env.dispatch({ message: "!cr" }), id));
    assert.match(cooldown.replyExecutionId, /^[0-9a-f-]{36}$/);
    const api = {
      get: (r: { executionId: string }) =>
        env.executions.getExecution(r).then((x) => x.execution as never),
    };
    const reply = await waitForExecution(api as never, cooldown.replyExecutionId);
    assert.equal(reply.status, ExecutionStatus.COMPLETED);
    const trigger = json(reply.finalOutput) as Record<string, unknown>;
    assert.equal(trigger.scope, "global");
    assert.equal(trigger.remaining_ms, Number(cooldown.remainingMs));
    assert.equal(trigger.cooldown_workflow_id, id);
    assert.equal(reply.trigger?.triggerSource, "cooldown_reply");
  });

  it("one run per channel: the next is limited until the running one ends", async () => {
    const id = await env.publish(
      slowTrigger({ command_pattern: "!giveaway", concurrency_key: "channel" }),
    );
    const first = startedId(await env.dispatch({ message: "!giveaway", channelId: "c1" }), id);
    const limited = outcomeOf(await env.dispatch({ message: "!giveaway", channelId: "c1" }), id);
    assert.equal(limited.case, "limited");
    const { retryAfterMs, scope } = limited.value as { retryAfterMs: bigint; scope: string };
    assert.deepEqual({ retryAfterMs, scope }, { retryAfterMs: 0n, scope: "concurrency" });
    const other = startedId(await env.dispatch({ message: "!giveaway", channelId: "c2" }), id);
    await env.executions.cancelExecution({ executionId: first });
    startedId(await env.dispatch({ message: "!giveaway", channelId: "c1" }), id);
    await env.executions.cancelExecution({ executionId: other });
  });

  it("ExecuteWorkflow obeys the same cooldown: RESOURCE_EXHAUSTED with retry_after_ms, REST 429 with Retry-After", async () => {
    const id = await env.publish(echoTrigger({ command_pattern: "!api", cooldown_seconds: 600 }));
    await env.executions.executeWorkflow({ workflowId: id, communityId: BigInt(community) });
    await expectRpcError(
      env.executions.executeWorkflow({ workflowId: id, communityId: BigInt(community) }),
      Code.ResourceExhausted,
      "COOLDOWN",
    );
    const refused = await fetch(`${env.svc.url}/api/v1/workflows/${id}/execute`, {
      method: "POST",
      headers: { "x-api-key": env.ownerKey, "content-type": "application/json" },
      body: JSON.stringify({ community_id: community }),
    });
    assert.equal(refused.status, 429);
    assert.ok(Number(refused.headers.get("retry-after")) > 500);
    const body = (await refused.json()) as {
      error_code: string;
      details: { retry_after_ms: string };
    };
    assert.equal(body.error_code, "COOLDOWN");
    assert.ok(Number(body.details.retry_after_ms) > 0);
    // The chat trigger shares it: a dispatch is refused too.
    assert.equal(outcomeOf(await env.dispatch({ message: "!api" }), id).case, "cooldown");
  });
});

describe("the per-community run rate limit", () => {
  let env: TriggerEnv;
  before(async () => {
    env = await startTriggerEnv({
      COMMUNITY_RUN_RATE_LIMIT: "3",
      COMMUNITY_RUN_RATE_WINDOW_SECONDS: "3600",
    });
  });
  after(() => env.close());

  it("counts every way of starting a run and answers limited with the wait", async () => {
    const id = await env.publish(echoTrigger({ command_pattern: "!rate" }));
    startedId(await env.dispatch({ message: "!rate" }), id);
    startedId(await env.dispatch({ message: "!rate" }), id);
    await env.executions.executeWorkflow({ workflowId: id, communityId: BigInt(community) });
    const limited = outcomeOf(await env.dispatch({ message: "!rate" }), id);
    assert.equal(limited.case, "limited");
    const value = limited.value as { retryAfterMs: bigint; scope: string };
    assert.equal(value.scope, "community");
    assert.ok(value.retryAfterMs > 0n && value.retryAfterMs <= 3_600_000n);
    await assert.rejects(
      env.executions.executeWorkflow({ workflowId: id, communityId: BigInt(community) }),
      (error) => error instanceof ConnectError && error.code === Code.ResourceExhausted,
    );
  });
});
