import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { create } from "@bufbuild/protobuf";
import { ValueSchema } from "@bufbuild/protobuf/wkt";
import { ExecutionService } from "../../../src/gen/waddlebot/workflow/v1/execution_service_pb.js";
import { WorkflowService } from "../../../src/gen/waddlebot/workflow/v1/workflow_service_pb.js";
import { expectError, violationFields } from "../rest/helpers.js";
import { expectGrpcJsError } from "../server/expect-error.js";
import { errorInfoOf, grpc } from "../server/grpc-js-client.js";
import {
  community,
  connectJsonFields,
  greeterWith,
  type LimitApis,
  startLimitApis,
} from "./limit-apis.js";

// JSON can say 1e400: JSON.parse makes it Infinity, which neither JSON nor protobuf's Value can
// carry back out. Binary protobuf carries NaN and Infinity as they are.
describe("numbers that are not finite are refused before anything is stored", () => {
  let apis: LimitApis;
  before(async () => {
    apis = await startLimitApis();
  });
  after(() => apis.close());

  async function storedCounts(): Promise<{ executions: bigint; workflows: bigint }> {
    const executions = await apis.executions.listExecutions({ workflowId: apis.workflowId });
    const workflows = await apis.workflows.listWorkflows({});
    return {
      executions: executions.pagination?.total ?? -1n,
      workflows: workflows.pagination?.total ?? -1n,
    };
  }

  it("Connect JSON ExecuteWorkflow and CreateWorkflow with 1e400: 400, nothing stored, nothing run", async () => {
    const before = await storedCounts();
    const execute = await apis.connectJson(
      "ExecutionService/ExecuteWorkflow",
      `{"workflow_id":"${apis.workflowId}","community_id":${community},"variables":{"a":1e400}}`,
    );
    assert.equal(execute.status, 400, JSON.stringify(execute.body));
    assert.equal(execute.body.code, "invalid_argument");
    assert.deepEqual(connectJsonFields(execute.body), ["variables.a"]);
    const createWorkflow = await apis.connectJson(
      "WorkflowService/CreateWorkflow",
      `{"metadata":{"name":"inf","community_id":${community}},"global_variables":{"x":[1,-1e400]}}`,
    );
    assert.equal(createWorkflow.status, 400, JSON.stringify(createWorkflow.body));
    assert.deepEqual(connectJsonFields(createWorkflow.body), ["global_variables.x[1]"]);
    assert.deepEqual(await storedCounts(), before);
  });

  it("REST refuses 1e400 in variables, trigger data and node configs", async () => {
    const before = await storedCounts();
    const path = `/api/v1/workflows/${apis.workflowId}/execute`;
    const variables = await apis.rest.post(path, undefined, {
      rawBody: `{"community_id":${community},"variables":{"n":{"deep":1e400}}}`,
    });
    assert.deepEqual(violationFields(expectError(variables, 400, "BAD_REQUEST")), [
      "variables.n.deep",
    ]);
    const trigger = await apis.rest.post(path, undefined, {
      rawBody: `{"community_id":${community},"trigger_data":{"score":-1e400}}`,
    });
    assert.deepEqual(violationFields(expectError(trigger, 400, "BAD_REQUEST")), [
      "trigger.data.score",
    ]);
    const config = await apis.rest.post("/api/v1/workflows", undefined, {
      rawBody: greeterWith({
        nodes: '[{"node_id":"start","node_type":"trigger_command","config":{"cooldown":1e400}}]',
      }),
    });
    assert.deepEqual(violationFields(expectError(config, 400, "BAD_REQUEST")), [
      "nodes[0].config.cooldown",
    ]);
    const mock = await apis.rest.post(`/api/v1/workflows/${apis.workflowId}/test`, undefined, {
      rawBody: `{"community_id":${community},"node_mocks":{"set":1e400}}`,
    });
    assert.deepEqual(violationFields(expectError(mock, 400, "BAD_REQUEST")), ["node_mocks.set"]);
    assert.deepEqual(await storedCounts(), before);
  });

  async function grpcFields(call: Promise<unknown>): Promise<string[]> {
    const error = await expectGrpcJsError(call, grpc.status.INVALID_ARGUMENT, "BAD_REQUEST");
    return (errorInfoOf(error)?.fieldViolations ?? []).map((v) => v.field);
  }

  it("binary gRPC refuses NaN and Infinity in variables, positions and mocks", async () => {
    const before = await storedCounts();
    const { grpcJs, svc, workflowId } = apis;
    const variables = await grpcFields(
      grpcJs.unary(
        ExecutionService.method.executeWorkflow,
        { workflowId, communityId: BigInt(community), variables: { a: Number.NaN } },
        svc.adminKey,
      ),
    );
    assert.deepEqual(variables, ["variables.a"]);
    const positions = await grpcFields(
      grpcJs.unary(
        WorkflowService.method.createWorkflow,
        {
          metadata: { name: "nan", communityId: BigInt(community) },
          nodes: [
            {
              nodeId: "start",
              nodeType: "trigger_command",
              position: { x: Number.NaN, y: Number.POSITIVE_INFINITY },
            },
          ],
        },
        svc.adminKey,
      ),
    );
    assert.deepEqual(positions, ["nodes[0].position.x", "nodes[0].position.y"]);
    const mocks = await grpcFields(
      grpcJs.unary(
        ExecutionService.method.testWorkflow,
        {
          workflowId,
          communityId: BigInt(community),
          nodeMocks: {
            set: create(ValueSchema, { kind: { case: "numberValue", value: Number.NaN } }),
          },
        },
        svc.adminKey,
      ),
    );
    assert.deepEqual(mocks, ["node_mocks.set"]);
    assert.deepEqual(await storedCounts(), before);
  });
});
