import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { RecordingActionGateway } from "../../../../src/adapters/engine-support/recording-action-gateway.js";
import type { JsonObject } from "../../../../src/domain/json.js";
import { ManualClock } from "../../../support/engine/manual-clock.js";
import {
  definition,
  edge,
  execute,
  finished,
  node,
  start,
  trigger,
} from "../../../support/engine/workflow-builder.js";

const one = (n: ReturnType<typeof node>) => definition([trigger(), n], [edge("t", n.nodeId)]);

describe("node behaviours", () => {
  it("trigger_event, trigger_webhook and trigger_schedule output the trigger data", async () => {
    for (const [type, config] of [
      ["trigger_event", { event_type: "follow", platforms: ["twitch"] }],
      ["trigger_webhook", { webhook_path: "/in" }],
      ["trigger_schedule", { cron_expression: "@hourly" }],
    ] as [string, JsonObject][]) {
      const def = definition([node("t", type, config), node("e", "flow_end")], [edge("t", "e")]);
      const { result } = await execute(def, { trigger: { data: { k: type } } });
      assert.deepEqual(result.finalOutput, { k: type });
    }
  });

  it("condition_if with an and/or/not group and custom port names", async () => {
    const def = definition(
      [
        trigger(),
        node("if", "condition_if", {
          condition: {
            and: [
              { variable: "trigger.user.name", operator: "matches_regex", value: "^a" },
              {
                or: [
                  { variable: "trigger.n", operator: "greater_equal", value: 10 },
                  { not: { variable: "trigger.vip", operator: "equals", value: false } },
                ],
              },
            ],
          },
          output_true_port: "yes",
          output_false_port: "no",
        }),
        node("y", "data_variable_set", { variables: { r: "yes" } }),
        node("n", "data_variable_set", { variables: { r: "no" } }),
      ],
      [edge("t", "if"), edge("if", "y", "yes"), edge("if", "n", "no")],
    );
    const run = async (data: object) =>
      (await execute(def, { trigger: { data: data as never } })).result.finalVariables.r;
    assert.equal(await run({ user: { name: "ann" }, n: 3, vip: true }), "yes");
    assert.equal(await run({ user: { name: "ann" }, n: 3, vip: false }), "no");
    assert.equal(await run({ user: { name: "bob" }, n: 30, vip: true }), "no");
  });

  it("condition_filter keeps matching items and writes output_variable", async () => {
    const def = one(
      node("f", "condition_filter", {
        input_array: "trigger.users",
        condition: { variable: "item.active", operator: "equals", value: true },
        output_variable: "active",
      }),
    );
    const { result, runs } = await execute(def, {
      trigger: {
        data: {
          users: [
            { n: 1, active: true },
            { n: 2, active: false },
            { n: 3, active: true },
          ],
        },
      },
    });
    assert.deepEqual(result.finalVariables.active, [
      { n: 1, active: true },
      { n: 3, active: true },
    ]);
    assert.equal((runs.find((r) => r.nodeId === "f")?.output as { count: number }).count, 2);
  });

  it("data_variable_get reads a path with a default", async () => {
    const def = definition(
      [
        trigger(),
        node("g1", "data_variable_get", { variable_name: "trigger.a.b", output_variable: "found" }),
        node("g2", "data_variable_get", {
          variable_name: "missing",
          output_variable: "dflt",
          default_value: 7,
        }),
      ],
      [edge("t", "g1"), edge("g1", "g2")],
    );
    const { result } = await execute(def, { trigger: { data: { a: { b: "x" } } } });
    assert.deepEqual(result.finalVariables, { found: "x", dflt: 7 });
  });

  it("data_variable_set keeps the type of a single {{ expr }} and renders mixed text", async () => {
    const def = one(
      node("s", "data_variable_set", {
        variables: {
          n: "{{ trigger.n * 2 }}",
          text: "n={{ trigger.n }}",
          nested: { list: ["{{ trigger.n }}", "lit"] },
        },
      }),
    );
    const { result } = await execute(def, { trigger: { data: { n: 4 } } });
    assert.deepEqual(result.finalVariables, { n: 8, text: "n=4", nested: { list: [4, "lit"] } });
  });

  it("action_chat_message sends the request shape of the reference (user_pm)", async () => {
    const gateway = new RecordingActionGateway(() => ({
      status: 200,
      headers: {},
      body: { message_id: "m-9" },
    }));
    const def = one(
      node("c", "action_chat_message", {
        message_template: "hi {{ trigger.name }}",
        destination: "user_pm",
        user_id: "{{ trigger.target }}",
        reply_to_message: true,
      }),
    );
    const { result, runs } = await execute(
      def,
      { trigger: { data: { name: "ann", target: "u-2" } } },
      { gateway },
    );
    assert.equal(result.status, "completed");
    assert.deepEqual(gateway.requests[0], {
      kind: "chat",
      request: {
        message: "hi ann",
        destination: "user_pm",
        entityId: 42,
        userId: "user-1",
        platform: "twitch",
        replyToMessage: true,
        channelId: null,
        targetUserId: "u-2",
        timeoutMs: 10_000,
      },
    });
    assert.deepEqual(runs.find((r) => r.nodeId === "c")?.output, {
      status: 200,
      message_id: "m-9",
    });
  });

  it("action_browser_source and action_webhook send their requests; webhook JSON body and headers are templated", async () => {
    const gateway = new RecordingActionGateway(() => ({
      status: 201,
      headers: {},
      body: { ok: 1 },
    }));
    const def = definition(
      [
        trigger(),
        node("b", "action_browser_source", {
          source_type: "ticker",
          action: "update",
          content_template: "{{ trigger.text }}",
          duration: 5,
          priority: 2,
        }),
        node("w", "action_webhook", {
          url: "https://api.test/u/{{ trigger.id }}",
          method: "PUT",
          headers: { "x-id": "{{ trigger.id }}" },
          body_template: '{"t":"{{ trigger.text }}"}',
          output_variable: "resp",
        }),
      ],
      [edge("t", "b"), edge("b", "w", "success")],
    );
    const { result } = await execute(
      def,
      { trigger: { data: { id: 5, text: "hey" } } },
      { gateway },
    );
    assert.equal(result.status, "completed");
    assert.deepEqual(gateway.requests[0], {
      kind: "browser",
      request: {
        sourceType: "ticker",
        action: "update",
        content: "hey",
        duration: 5,
        priority: 2,
        entityId: 42,
        timeoutMs: 10_000,
      },
    });
    assert.deepEqual(gateway.requests[1], {
      kind: "webhook",
      request: {
        url: "https://api.test/u/5",
        method: "PUT",
        headers: { "x-id": "5" },
        body: '{"t":"hey"}',
        timeoutMs: 10_000,
      },
    });
    assert.deepEqual(result.finalVariables.resp, { status: 201, body: { ok: 1 } });
  });

  it("action_webhook refuses a computed URL that is not http(s) at run time", async () => {
    const gateway = new RecordingActionGateway();
    const def = one(node("w", "action_webhook", { url: "{{ trigger.u }}" }));
    const { result } = await execute(
      def,
      { trigger: { data: { u: "file:///etc/passwd" } } },
      { gateway },
    );
    assert.equal(result.status, "failed");
    assert.equal(gateway.requests.length, 0);
  });

  it("action_delay waits on the clock; delay_variable overrides; bad values fail the node", async () => {
    const clock = new ManualClock();
    const def = one(node("d", "action_delay", { delay_ms: 100, delay_variable: "trigger.ms" }));
    const h = start(def, { trigger: { data: { ms: 300 } } }, { clock });
    await clock.advance(299);
    assert.equal(
      finished(h.events).some((r) => r.nodeId === "d"),
      false,
    );
    await clock.advance(1);
    assert.equal((await h.result).status, "completed");
    const bad = await execute(def, { trigger: { data: { ms: -5 } } });
    assert.equal(bad.result.status, "failed");
    assert.match(bad.result.errorMessage ?? "", /delay_variable/);
  });

  it("action_module maps input and output and fails on a non-2xx answer", async () => {
    const gateway = new RecordingActionGateway(() => ({
      status: 404,
      headers: {},
      body: { error: "no such module" },
    }));
    const def = one(node("m", "action_module", { module_name: "x" }));
    const { result } = await execute(def, {}, { gateway });
    assert.equal(result.status, "failed");
    assert.match(result.errorMessage ?? "", /module x answered HTTP 404/);
  });

  it("flow_parallel passes its input to every branch", async () => {
    const def = definition(
      [
        trigger(),
        node("p", "flow_parallel"),
        node("a", "data_transform", { transformations: { a: "nodes.p.output.v" } }),
        node("b", "data_transform", { transformations: { b: "nodes.p.output.v + 1" } }),
      ],
      [edge("t", "p"), edge("p", "a", "parallel"), edge("p", "b", "parallel")],
    );
    const { result } = await execute(def, { trigger: { data: { v: 1 } } });
    assert.deepEqual(result.finalVariables, { a: 1, b: 2 });
  });
});
