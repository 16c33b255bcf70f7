import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  executeInputFromJson,
  testInputFromJson,
} from "../../../../src/adapters/rest/execution-from-json.js";
import { DomainError } from "../../../../src/domain/errors.js";

function fieldsOf(fn: () => unknown): string[] {
  try {
    fn();
  } catch (error) {
    assert.ok(DomainError.is(error) && error.reason === "BAD_REQUEST");
    return error.violations.map((v) => v.field);
  }
  assert.fail("expected BAD_REQUEST");
}

describe("executeInputFromJson", () => {
  it("reads the quick reference body", () => {
    const input = executeInputFromJson(
      "wf",
      {
        community_id: 123,
        variables: { param: "value" },
        metadata: { trigger_source: "chat", session_id: "s1" },
        trigger_node_id: "t",
        platform: "twitch",
        trigger_data: { message: "!hi" },
      },
      undefined,
    );
    assert.deepEqual(input, {
      workflowId: "wf",
      communityId: 123,
      variables: { param: "value" },
      trigger: {
        triggerNodeId: "t",
        triggerSource: "chat",
        sessionId: "s1",
        platform: "twitch",
        data: { message: "!hi" },
      },
      idempotencyKey: "",
    });
  });

  it("reads the contract's trigger object; flat fields outrank it", () => {
    const input = executeInputFromJson(
      "wf",
      {
        community_id: "5",
        trigger: { trigger_source: "webhook", platform: "discord", data: { a: 1 } },
        platform: "slack",
      },
      undefined,
    );
    assert.deepEqual(input.trigger, {
      triggerSource: "webhook",
      platform: "slack",
      data: { a: 1 },
    });
    assert.equal(input.communityId, 5);
  });

  it("takes the idempotency key from the header or the body, and rejects a mismatch", () => {
    assert.equal(executeInputFromJson("wf", { community_id: 1 }, "k1").idempotencyKey, "k1");
    assert.equal(
      executeInputFromJson("wf", { community_id: 1, idempotency_key: "k2" }, undefined)
        .idempotencyKey,
      "k2",
    );
    assert.equal(
      executeInputFromJson("wf", { community_id: 1, idempotency_key: "k3" }, "k3").idempotencyKey,
      "k3",
    );
    assert.deepEqual(
      fieldsOf(() => executeInputFromJson("wf", { community_id: 1, idempotency_key: "a" }, "b")),
      ["idempotency_key"],
    );
  });

  it("requires community_id as a positive integer (number or digit string)", () => {
    assert.deepEqual(
      fieldsOf(() => executeInputFromJson("wf", {}, undefined)),
      ["community_id"],
    );
    for (const bad of [0, -3, 1.5, "12a", true, "", 2 ** 60]) {
      assert.deepEqual(
        fieldsOf(() => executeInputFromJson("wf", { community_id: bad }, undefined)),
        ["community_id"],
        `community_id ${JSON.stringify(bad)}`,
      );
    }
  });

  it("rejects variables that are not an object", () => {
    assert.deepEqual(
      fieldsOf(() => executeInputFromJson("wf", { community_id: 1, variables: [1] }, undefined)),
      ["variables"],
    );
  });
});

describe("testInputFromJson", () => {
  it("adds node_mocks and version, and never carries an idempotency key", () => {
    const input = testInputFromJson("wf", {
      community_id: 1,
      variables: { test: "value" },
      node_mocks: { call: { status: 200 } },
      version: 2,
      idempotency_key: "ignored",
    });
    assert.deepEqual(input, {
      workflowId: "wf",
      communityId: 1,
      variables: { test: "value" },
      trigger: {},
      idempotencyKey: "",
      mocks: { call: { status: 200 } },
      version: 2,
    });
  });

  it("rejects bad node_mocks and version", () => {
    assert.deepEqual(
      fieldsOf(() => testInputFromJson("wf", { community_id: 1, node_mocks: 3, version: 0 })),
      ["node_mocks", "version"],
    );
  });
});
