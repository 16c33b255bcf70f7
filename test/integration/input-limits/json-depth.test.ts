import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { Code } from "@connectrpc/connect";
import type { JsonObject } from "../../../src/domain/json.js";
import { ExecutionService } from "../../../src/gen/waddlebot/workflow/v1/execution_service_pb.js";
import { WorkflowService } from "../../../src/gen/waddlebot/workflow/v1/workflow_service_pb.js";
import { expectError, expectSuccess, violationFields } from "../rest/helpers.js";
import { rpcViolations } from "../same-rules/both-apis.js";
import { expectConnectError, expectGrpcJsError } from "../server/expect-error.js";
import { grpc } from "../server/grpc-js-client.js";
import {
  community,
  greeterWith,
  type LimitApis,
  nestedJson,
  nestedValue,
  startLimitApis,
} from "./limit-apis.js";

/** The deepest JSON value accepted (docs/limits.md). */
const maxDepth = 32;

describe("JSON nesting: one limit for REST, Connect and gRPC", () => {
  let apis: LimitApis;
  before(async () => {
    apis = await startLimitApis();
  });
  after(() => apis.close());

  /** Every read that serialises stored JSON, over binary gRPC (grpc-js) and Connect JSON. */
  async function everyReadWorks(executionIds: string[]): Promise<void> {
    const { grpcJs, svc, workflowId } = apis;
    const listed = await grpcJs.unary(
      ExecutionService.method.listExecutions,
      { workflowId, perPage: 100 },
      svc.adminKey,
    );
    assert.ok(listed.executions.length >= executionIds.length);
    for (const executionId of executionIds) {
      await grpcJs.unary(ExecutionService.method.getExecution, { executionId }, svc.adminKey);
      await apis.executions.getExecution({ executionId });
    }
    await grpcJs.unary(WorkflowService.method.listWorkflows, {}, svc.adminKey);
    await apis.workflows.listWorkflows({});
  }

  it("REST execute refuses variables nested deeper than the limit, however deep, with 400 naming variables", async () => {
    for (const depth of [maxDepth + 1, maxDepth + 3, 1_500, 5_000, 200_000]) {
      const reply = await apis.rest.post(
        `/api/v1/workflows/${apis.workflowId}/execute`,
        undefined,
        {
          rawBody: `{"community_id":${community},"variables":${nestedJson(depth)}}`,
        },
      );
      const details = expectError(reply, 400, "BAD_REQUEST");
      assert.deepEqual(violationFields(details), ["variables"], `depth ${depth}`);
    }
    await everyReadWorks([]);
  });

  it("accepts the limit on every protocol, and every read of what was stored works", async () => {
    const variables = nestedValue(maxDepth) as unknown as JsonObject;
    const rest = expectSuccess(
      await apis.rest.post(`/api/v1/workflows/${apis.workflowId}/execute`, undefined, {
        rawBody: `{"community_id":${community},"variables":${nestedJson(maxDepth)},"trigger_data":${nestedJson(maxDepth)}}`,
      }),
      202,
    );
    const connect = await apis.executions.executeWorkflow({
      workflowId: apis.workflowId,
      communityId: BigInt(community),
      variables,
    });
    const binary = await apis.grpcJs.unary(
      ExecutionService.method.executeWorkflow,
      { workflowId: apis.workflowId, communityId: BigInt(community), variables },
      apis.svc.adminKey,
    );
    const ids = [
      rest.execution_id as string,
      connect.execution?.executionId ?? "",
      binary.execution?.executionId ?? "",
    ];
    await everyReadWorks(ids);
    const stored = await apis.executions.getExecution({ executionId: ids[1] ?? "" });
    assert.deepEqual(stored.execution?.inputVariables, variables);
  });

  it("Connect and gRPC refuse one level more with the same violation", async () => {
    const variables = nestedValue(maxDepth + 1) as unknown as JsonObject;
    const request = { workflowId: apis.workflowId, communityId: BigInt(community), variables };
    const error = await expectConnectError(
      apis.executions.executeWorkflow(request),
      Code.InvalidArgument,
      "BAD_REQUEST",
    );
    assert.deepEqual(
      rpcViolations(error).map((v) => v.field),
      ["variables"],
    );
    await expectGrpcJsError(
      apis.grpcJs.unary(ExecutionService.method.executeWorkflow, request, apis.svc.adminKey),
      grpc.status.INVALID_ARGUMENT,
      "BAD_REQUEST",
    );
    await expectConnectError(
      apis.workflows.createWorkflow({
        metadata: { name: "deep", communityId: BigInt(community) },
        globalVariables: variables,
      }),
      Code.InvalidArgument,
      "BAD_REQUEST",
    );
  });

  it("REST create and update refuse deep global_variables and node configs (400 naming the field); list and get keep working", async () => {
    for (const depth of [maxDepth + 1, 1_000, 2_500, 100_000]) {
      const deepGlobals = await apis.rest.post("/api/v1/workflows", undefined, {
        rawBody: greeterWith({ global_variables: nestedJson(depth) }),
      });
      assert.deepEqual(
        violationFields(expectError(deepGlobals, 400, "BAD_REQUEST")),
        ["global_variables"],
        `depth ${depth}`,
      );
      const update = await apis.rest.call("PUT", `/api/v1/workflows/${apis.workflowId}`, {
        rawBody: `{"global_variables":${nestedJson(depth)}}`,
      });
      assert.deepEqual(violationFields(expectError(update, 400, "BAD_REQUEST")), [
        "global_variables",
      ]);
    }
    const deepConfig = await apis.rest.post("/api/v1/workflows", undefined, {
      rawBody: greeterWith({
        nodes: `[{"node_id":"start","node_type":"trigger_command","config":${nestedJson(maxDepth + 1)}}]`,
      }),
    });
    assert.deepEqual(violationFields(expectError(deepConfig, 400, "BAD_REQUEST")), [
      "nodes[0].config",
    ]);
    const veryDeepConfig = await apis.rest.post("/api/v1/workflows", undefined, {
      rawBody: greeterWith({
        nodes: `[{"node_id":"start","node_type":"trigger_command","config":${nestedJson(3_000)}}]`,
      }),
    });
    assert.deepEqual(violationFields(expectError(veryDeepConfig, 400, "BAD_REQUEST")), ["nodes"]);
    expectSuccess(await apis.rest.get(`/api/v1/workflows/${apis.workflowId}`), 200);
    await everyReadWorks([]);
  });

  it("refuses deep trigger data and node mocks", async () => {
    const trigger = await apis.rest.post(
      `/api/v1/workflows/${apis.workflowId}/execute`,
      undefined,
      {
        rawBody: `{"community_id":${community},"trigger":{"data":${nestedJson(maxDepth + 1)}}}`,
      },
    );
    assert.deepEqual(violationFields(expectError(trigger, 400, "BAD_REQUEST")), ["trigger.data"]);
    const mocks = await apis.rest.post(`/api/v1/workflows/${apis.workflowId}/test`, undefined, {
      rawBody: `{"community_id":${community},"node_mocks":{"set":${nestedJson(maxDepth + 1)}}}`,
    });
    assert.deepEqual(violationFields(expectError(mocks, 400, "BAD_REQUEST")), ["node_mocks.set"]);
  });
});
