import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { Code } from "@connectrpc/connect";
import { greeterWorkflow } from "../rest/fixtures.js";
import { expectError, expectSuccess, violationFields } from "../rest/helpers.js";
import { rpcViolations } from "../same-rules/both-apis.js";
import { expectConnectError } from "../server/expect-error.js";
import { community, type LimitApis, startLimitApis } from "./limit-apis.js";

const int32Max = 2_147_483_647;

describe("free text and numbers are bounded on every API", () => {
  let apis: LimitApis;
  before(async () => {
    apis = await startLimitApis();
  });
  after(() => apis.close());

  async function rpcFields(call: Promise<unknown>): Promise<string[]> {
    const error = await expectConnectError(call, Code.InvalidArgument, "BAD_REQUEST");
    return rpcViolations(error).map((v) => v.field);
  }

  it("ListWorkflows search: 200 characters at most (70,000 answered 500 on SQLite)", async () => {
    assert.deepEqual(
      await rpcFields(apis.workflows.listWorkflows({ search: "x".repeat(70_000) })),
      ["search"],
    );
    const tooLong = await apis.rest.get(`/api/v1/workflows?search=${"y".repeat(201)}`);
    assert.deepEqual(violationFields(expectError(tooLong, 400, "BAD_REQUEST")), ["search"]);
    const longest = await apis.rest.get(`/api/v1/workflows?search=${"%_".repeat(100)}`);
    assert.deepEqual(expectSuccess(longest, 200), []);
    const wildcard = await apis.rest.get(`/api/v1/workflows?search=${encodeURIComponent("%")}`);
    assert.deepEqual(expectSuccess(wildcard, 200), []);
  });

  it("ids, reasons, idempotency keys and trigger fields", async () => {
    const longId = "w".repeat(129);
    assert.deepEqual(await rpcFields(apis.workflows.getWorkflow({ workflowId: longId })), [
      "workflow_id",
    ]);
    assert.deepEqual(await rpcFields(apis.executions.getExecution({ executionId: longId })), [
      "execution_id",
    ]);
    assert.deepEqual(await rpcFields(apis.keys.revokeApiKey({ keyId: longId })), ["key_id"]);
    assert.deepEqual(
      await rpcFields(
        apis.executions.cancelExecution({ executionId: "x", reason: "r".repeat(1_001) }),
      ),
      ["reason"],
    );
    const execute = await apis.rest.post(`/api/v1/workflows/${apis.workflowId}/execute`, {
      community_id: community,
      idempotency_key: "k".repeat(201),
      platform: "p".repeat(129),
      trigger_node_id: "n".repeat(129),
    });
    assert.deepEqual(violationFields(expectError(execute, 400, "BAD_REQUEST")), [
      "trigger.trigger_node_id",
      "trigger.platform",
      "idempotency_key",
    ]);
    assert.deepEqual(
      await rpcFields(
        apis.executions.listExecutions({ workflowId: apis.workflowId, pageToken: "t".repeat(257) }),
      ),
      ["page_token"],
    );
  });

  it("node and connection texts in a definition", async () => {
    const body = greeterWorkflow(community) as {
      nodes: Record<string, unknown>[];
      connections: Record<string, unknown>[];
    };
    const reply = await apis.rest.post("/api/v1/workflows", {
      ...body,
      nodes: body.nodes.map((n, i) =>
        i === 0 ? { ...n, label: "l".repeat(201), description: "d".repeat(5_001) } : n,
      ),
      connections: body.connections.map((c, i) =>
        i === 0 ? { ...c, connection_id: "c".repeat(129), from_port_name: "p".repeat(129) } : c,
      ),
    });
    assert.deepEqual(violationFields(expectError(reply, 400, "BAD_REQUEST")), [
      "nodes[0].label",
      "nodes[0].description",
      "connections[0].connection_id",
      "connections[0].from_port_name",
    ]);
  });

  it("versions, limits and pages are 32-bit integers (larger ones failed later reads or answered 500)", async () => {
    const big = String(int32Max + 1);
    const version = await apis.rest.get(`/api/v1/workflows/${apis.workflowId}?version=${big}`);
    assert.deepEqual(violationFields(expectError(version, 400, "BAD_REQUEST")), ["version"]);
    const update = await apis.rest.put(`/api/v1/workflows/${apis.workflowId}`, {
      description: "x",
      expected_version: int32Max + 1,
    });
    assert.deepEqual(violationFields(expectError(update, 400, "BAD_REQUEST")), [
      "expected_version",
    ]);
    const body = greeterWorkflow(community) as { metadata: Record<string, unknown> };
    const limits = await apis.rest.post("/api/v1/workflows", {
      ...body,
      metadata: { ...body.metadata, limits: { timeout_seconds: int32Max + 1 } },
    });
    assert.deepEqual(violationFields(expectError(limits, 400, "BAD_REQUEST")), [
      "metadata.limits.timeout_seconds",
    ]);
    const page = await apis.rest.get(`/api/v1/workflows?page=${big}`);
    assert.deepEqual(violationFields(expectError(page, 400, "BAD_REQUEST")), ["page"]);
    expectSuccess(await apis.rest.get(`/api/v1/workflows?page=${int32Max}`), 200);
  });

  it("created_after and created_before must be real instants (one answered 500 on PostgreSQL)", async () => {
    assert.deepEqual(
      await rpcFields(
        apis.executions.listExecutions({
          workflowId: apis.workflowId,
          createdAfter: { seconds: 10n ** 15n, nanos: 0 },
          createdBefore: { seconds: -(10n ** 15n), nanos: 0 },
        }),
      ),
      ["created_after", "created_before"],
    );
  });
});
