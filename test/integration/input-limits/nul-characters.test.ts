import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { Code } from "@connectrpc/connect";
import {
  Permission,
  TargetType,
} from "../../../src/gen/waddlebot/workflow/v1/permission_service_pb.js";
import { greeterWorkflow } from "../rest/fixtures.js";
import { expectError, expectSuccess, violationFields } from "../rest/helpers.js";
import { rpcViolations } from "../same-rules/both-apis.js";
import { expectConnectError } from "../server/expect-error.js";
import { community, connectJsonFields, type LimitApis, startLimitApis } from "./limit-apis.js";

// PostgreSQL text and jsonb cannot hold NUL; no input may carry one, on either database.
describe("NUL characters in any input are BAD_REQUEST", () => {
  let apis: LimitApis;
  before(async () => {
    apis = await startLimitApis();
  });
  after(() => apis.close());

  async function fieldsOf(call: Promise<unknown>): Promise<string[]> {
    const error = await expectConnectError(call, Code.InvalidArgument, "BAD_REQUEST");
    return rpcViolations(error).map((v) => v.field);
  }

  it("CreateApiKey and GrantPermission", async () => {
    const raw = await apis.connectJson(
      "ApiKeyService/CreateApiKey",
      '{"name":"a\\u0000b","principal":{"user_id":"u"}}',
    );
    assert.equal(raw.status, 400, JSON.stringify(raw.body));
    assert.deepEqual(connectJsonFields(raw.body), ["name"]);
    assert.deepEqual(
      await fieldsOf(
        apis.keys.createApiKey({
          name: "bot",
          principal: { userId: "u\u0000", roles: ["mod", "a\u0000"] },
        }),
      ),
      ["principal.user_id", "principal.roles[1]"],
    );
    assert.deepEqual(
      await fieldsOf(
        apis.permissions.grantPermission({
          workflowId: apis.workflowId,
          targetType: TargetType.USER,
          targetId: "a\u0000b",
          permissions: [Permission.CAN_VIEW],
        }),
      ),
      ["target_id"],
    );
    const grants = await apis.permissions.listPermissions({ workflowId: apis.workflowId });
    assert.deepEqual(grants.grants, []);
    const keys = await apis.keys.listApiKeys({});
    assert.ok(keys.apiKeys.every((key) => !key.name.includes("\u0000")));
  });

  it("workflow texts and definitions over REST", async () => {
    const body = greeterWorkflow(community) as {
      metadata: Record<string, unknown>;
      nodes: Record<string, unknown>[];
    };
    const named = await apis.rest.post("/api/v1/workflows", {
      ...body,
      metadata: { ...body.metadata, name: "a\u0000", tags: ["ok", "b\u0000"] },
    });
    assert.deepEqual(violationFields(expectError(named, 400, "BAD_REQUEST")), [
      "metadata.name",
      "metadata.tags[1]",
    ]);
    const labelled = await apis.rest.post("/api/v1/workflows", {
      ...body,
      nodes: body.nodes.map((n, i) => (i === 1 ? { ...n, label: "x\u0000" } : n)),
      global_variables: { "k\u0000": 1 },
    });
    assert.deepEqual(violationFields(expectError(labelled, 400, "BAD_REQUEST")), [
      'global_variables["k\\u0000"]',
      "nodes[1].label",
    ]);
  });

  it("execute, test and cancel over REST", async () => {
    const path = `/api/v1/workflows/${apis.workflowId}/execute`;
    const execute = await apis.rest.post(path, {
      community_id: community,
      variables: { text: "a\u0000b" },
      idempotency_key: "k\u0000",
    });
    assert.deepEqual(violationFields(expectError(execute, 400, "BAD_REQUEST")), [
      "variables.text",
      "idempotency_key",
    ]);
    const test = await apis.rest.post(`/api/v1/workflows/${apis.workflowId}/test`, {
      community_id: community,
      platform: "tw\u0000itch",
    });
    assert.deepEqual(violationFields(expectError(test, 400, "BAD_REQUEST")), ["trigger.platform"]);
    const started = expectSuccess(await apis.rest.post(path, { community_id: community }), 202);
    const cancel = await apis.rest.post(
      `/api/v1/workflows/executions/${started.execution_id}/cancel`,
      { reason: "because\u0000" },
    );
    assert.deepEqual(violationFields(expectError(cancel, 400, "BAD_REQUEST")), ["reason"]);
  });

  it("leaves no error line in the log, and no SQL or secret hash in any line", () => {
    assert.deepEqual(
      apis.svc.logs.find((line) => line.level === "error"),
      [],
    );
    const text = apis.svc.logs.text().toLowerCase();
    assert.ok(!text.includes("secret_hash"));
    assert.ok(!text.includes("insert into"));
  });
});
