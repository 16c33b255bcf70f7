import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { Code, ConnectError } from "@connectrpc/connect";
import { ExecutionStatus } from "../../../src/gen/waddlebot/workflow/v1/execution_pb.js";
import { WorkflowService } from "../../../src/gen/waddlebot/workflow/v1/workflow_service_pb.js";
import { toCreateRequest } from "../../support/workflow-fixtures.js";
import { json, rest, waitForExecution } from "../executions/exec-support.js";
import {
  chatEvent,
  community,
  echoTrigger,
  otherCommunity,
  outcomeOf,
  startedId,
  startTriggerEnv,
  type TriggerEnv,
} from "./trigger-support.js";

describe("DispatchChatEvent: matching", () => {
  let env: TriggerEnv;
  before(async () => {
    env = await startTriggerEnv();
  });
  after(() => env.close());

  const finalTrigger = async (executionId: string) => {
    const api = {
      get: (r: { executionId: string }) =>
        env.executions.getExecution(r).then((x) => x.execution as never),
    };
    const done = await waitForExecution(api as never, executionId);
    assert.equal(done.status, ExecutionStatus.COMPLETED, done.errorMessage);
    return json(done.finalOutput) as Record<string, unknown>;
  };

  it("needs the dispatch flag: the owner's key is PERMISSION_DENIED, nothing starts", async () => {
    await env.publish(echoTrigger({ command_pattern: "!perm" }));
    await assert.rejects(env.dispatch({ message: "!perm" }, env.ownerKey), (error) => {
      assert.ok(error instanceof ConnectError);
      assert.equal(error.code, Code.PermissionDenied);
      return true;
    });
  });

  it("a command starts its workflow with the arguments in trigger.args", async () => {
    const id = await env.publish(
      echoTrigger({ command_pattern: "!give", argument_names: ["who", "what"] }),
    );
    const reply = await env.dispatch({ message: '!GIVE bob "a golden duck" now' });
    assert.equal(reply.duplicate, false);
    const trigger = await finalTrigger(startedId(reply, id));
    assert.deepEqual(trigger.args, ["bob", "a golden duck", "now"]);
    assert.equal(trigger.arg_text, '"a golden duck" now'.replace(/^/, "bob "));
    assert.deepEqual(trigger.named_args, { who: "bob", what: "a golden duck now" });
    assert.equal(trigger.command, "!give");
    assert.equal(trigger.user, "alice");
    assert.equal(trigger.user_id, "u1");
    assert.equal(trigger.channel_id, "chan-1");
  });

  it("aliases, sub-command words, the prefix and case sensitivity decide a match", async () => {
    const alias = await env.publish(
      echoTrigger({ command_pattern: "!hello", aliases: ["hi", "!hey"] }),
    );
    const sub = await env.publish(echoTrigger({ command_pattern: "!raffle start" }));
    const exact = await env.publish(
      echoTrigger({ command_pattern: "?Exact", case_sensitive: true }),
    );
    startedId(await env.dispatch({ message: "!hey there" }), alias);
    startedId(await env.dispatch({ message: "!hi" }), alias);
    assert.equal(outcomeOf(await env.dispatch({ message: "?hello" }), alias).case, "noMatch");
    startedId(await env.dispatch({ message: "!raffle start 10" }), sub);
    assert.equal(outcomeOf(await env.dispatch({ message: "!raffle stop" }), sub).case, "noMatch");
    startedId(await env.dispatch({ message: "?Exact" }), exact);
    assert.equal(outcomeOf(await env.dispatch({ message: "?exact" }), exact).case, "noMatch");
    // A message that is not a command of any workflow has no candidates at all.
    assert.deepEqual((await env.dispatch({ message: "just chatting" })).outcomes, []);
  });

  it("platforms and channels must match; other communities never see the event", async () => {
    const id = await env.publish(echoTrigger({ command_pattern: "!where", channels: ["chan-9"] }));
    assert.equal(
      outcomeOf(await env.dispatch({ message: "!where", channelId: "chan-1" }), id).case,
      "noMatch",
    );
    assert.equal(
      outcomeOf(
        await env.dispatch({ message: "!where", channelId: "chan-9", platform: "discord" }),
        id,
      ).case,
      "noMatch",
    );
    startedId(await env.dispatch({ message: "!where", channelId: "chan-9" }), id);
    assert.deepEqual(
      (await env.dispatch({ message: "!where", channelId: "chan-9", communityId: otherCommunity }))
        .outcomes,
      [],
    );
  });

  it("roles, require_mod, message length and argument counts deny with a reason", async () => {
    const mod = await env.publish(echoTrigger({ command_pattern: "!ban", require_mod: true }));
    const vip = await env.publish(
      echoTrigger({ command_pattern: "!vip", allowed_roles: ["VIP", "subscriber"] }),
    );
    const owner = await env.publish(
      echoTrigger({ command_pattern: "!shutdown", require_bot_owner: true }),
    );
    const perm = await env.publish(
      echoTrigger({ command_pattern: "!tp", require_permission: "teleport" }),
    );
    const args = await env.publish(
      echoTrigger({ command_pattern: "!roll", min_args: 1, max_args: 2 }),
    );
    const long = await env.publish(
      echoTrigger({ command_pattern: "!say", message_min_length: 10 }),
    );
    const denied = async (message: string, id: string, reason: string, roles: string[] = []) => {
      const outcome = outcomeOf(await env.dispatch({ message, user: { roles } }), id);
      assert.equal(outcome.case, "denied");
      assert.equal((outcome.value as { reason: string }).reason, reason);
    };
    await denied("!ban bob", mod, "requires_moderator", ["vip"]);
    startedId(await env.dispatch({ message: "!ban bob", user: { roles: ["moderator"] } }), mod);
    startedId(await env.dispatch({ message: "!ban bob", user: { roles: ["broadcaster"] } }), mod);
    await denied("!vip", vip, "requires_role", ["moderator"]);
    startedId(await env.dispatch({ message: "!vip", user: { roles: ["vip"] } }), vip);
    await denied("!shutdown", owner, "requires_bot_owner", ["broadcaster"]);
    startedId(await env.dispatch({ message: "!shutdown", user: { roles: ["bot_owner"] } }), owner);
    await denied("!tp", perm, "requires_permission");
    startedId(await env.dispatch({ message: "!tp", user: { permissions: ["teleport"] } }), perm);
    await denied("!roll", args, "bad_arguments");
    await denied("!roll 1 2 3", args, "bad_arguments");
    startedId(await env.dispatch({ message: "!roll 20" }), args);
    await denied("!say hi", long, "message_too_short");
    startedId(await env.dispatch({ message: "!say hello world" }), long);
  });

  it("event triggers match the event type and every filter", async () => {
    const cheer = await env.publish(
      echoTrigger(
        {
          event_type: "cheer",
          event_filters: { amount: { min: 100 }, "user.name": ["alice", "bob"] },
        },
        { type: "trigger_event" },
      ),
    );
    const raid = await env.publish(
      echoTrigger(
        { event_type: "raid", event_filters: { viewers: { max: 5 } } },
        { type: "trigger_event" },
      ),
    );
    assert.equal(
      outcomeOf(await env.dispatch({ eventType: "cheer", data: { amount: 50 } }), cheer).case,
      "noMatch",
    );
    assert.equal(
      outcomeOf(
        await env.dispatch({ eventType: "cheer", data: { amount: 500 }, user: { name: "carol" } }),
        cheer,
      ).case,
      "noMatch",
    );
    const reply = await env.dispatch({ eventType: "cheer", data: { amount: 500 } });
    assert.equal(reply.outcomes.length, 1, "the raid trigger is not a candidate for a cheer");
    const trigger = await finalTrigger(startedId(reply, cheer));
    assert.deepEqual(trigger.data, { amount: 500 });
    assert.equal(trigger.event_type, "cheer");
    startedId(await env.dispatch({ eventType: "raid", data: { viewers: 3 } }), raid);
  });

  it("the same event id twice answers the first dispatch and starts nothing new", async () => {
    const id = await env.publish(echoTrigger({ command_pattern: "!once" }));
    const event = chatEvent({ message: "!once" });
    const first = await env.triggers().dispatchChatEvent({ event });
    const again = await env.triggers().dispatchChatEvent({ event });
    assert.equal(again.duplicate, true);
    assert.equal(startedId(again, id), startedId(first, id));
    const list = await env.executions.listExecutions({
      workflowId: id,
      communityId: BigInt(community),
    });
    assert.equal(list.executions.length, 1);
  });

  it("archiving takes a workflow out of the index", async () => {
    const id = await env.publish(echoTrigger({ command_pattern: "!gone" }));
    startedId(await env.dispatch({ message: "!gone" }), id);
    await env.archive(id);
    assert.deepEqual((await env.dispatch({ message: "!gone" })).outcomes, []);
  });

  it("publishing a new version replaces the workflow's triggers in the index", async () => {
    const spec = echoTrigger({ command_pattern: "!old" });
    const id = await env.publish(spec);
    startedId(await env.dispatch({ message: "!old" }), id);
    const workflows = env.svc.connect(WorkflowService, "connect-h1", env.ownerKey);
    const renamed = echoTrigger({ command_pattern: "!new" });
    await workflows.updateWorkflow({
      workflowId: id,
      nodes: toCreateRequest(renamed).nodes ?? [],
      updateMask: { paths: ["nodes"] },
    });
    // Until published, the published version's trigger still answers.
    startedId(await env.dispatch({ message: "!old" }), id);
    await workflows.publishWorkflow({ workflowId: id });
    assert.deepEqual((await env.dispatch({ message: "!old" })).outcomes, []);
    const started = startedId(await env.dispatch({ message: "!new" }), id);
    const { execution } = await env.executions.getExecution({ executionId: started });
    assert.equal(execution?.workflowVersion, 2);
  });

  it("REST POST /api/v1/triggers/chat-events answers the same outcomes", async () => {
    const id = await env.publish(echoTrigger({ command_pattern: "!rest" }));
    const body = {
      event_id: `rest-${Date.now()}`,
      platform: "twitch",
      community_id: community,
      channel_id: "chan-1",
      event_type: "message",
      user: { id: "u7", name: "rita", roles: [] },
      message: "!rest a b",
    };
    const reply = await rest(
      env.svc.url,
      env.routerKey,
      "POST",
      "/api/v1/triggers/chat-events",
      body,
    );
    assert.equal(reply.status, 200, JSON.stringify(reply.body));
    const outcome = reply.body.data.outcomes.find(
      (o: { workflow_id: string }) => o.workflow_id === id,
    );
    assert.equal(outcome.outcome, "started");
    assert.match(outcome.execution_id, /^[0-9a-f-]{36}$/);
    const denied = await rest(
      env.svc.url,
      env.ownerKey,
      "POST",
      "/api/v1/triggers/chat-events",
      body,
    );
    assert.equal(denied.status, 403);
    const bad = await rest(env.svc.url, env.routerKey, "POST", "/api/v1/triggers/chat-events", {
      ...body,
      event_id: "",
      event_type: "Not A Type",
    });
    assert.equal(bad.status, 400);
    const fields = bad.body.details.field_violations.map((v: { field: string }) => v.field);
    assert.deepEqual(fields.sort(), ["event_id", "event_type"]);
  });
});
