import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { Code } from "@connectrpc/connect";
import { WorkflowStatus } from "../../../src/gen/waddlebot/workflow/v1/workflow_pb.js";
import { createWorkflow } from "../rest/create-workflow.js";
import { greeterWorkflow } from "../rest/fixtures.js";
import { expectError, expectSuccess } from "../rest/helpers.js";
import { expectConnectError } from "../server/expect-error.js";
import { type BothApis, restViolations, rpcViolations, startBothApis } from "./both-apis.js";

const badVersion = [{ field: "version", description: "version must be an integer of at least 1" }];
const badExpectedVersion = [
  { field: "expected_version", description: "expected_version must be an integer of at least 1" },
];

/** Versions start at 1; naming a lower one is BAD_REQUEST on both APIs, not NOT_FOUND or CONFLICT. */
describe("version and expected_version below 1, over REST and RPC", () => {
  let apis: BothApis;
  let workflowId: string;

  before(async () => {
    apis = await startBothApis();
    workflowId = await createWorkflow(apis.rest, greeterWorkflow(123));
  });
  after(() => apis.svc.close());

  async function rpcRefuses(call: Promise<unknown>, violations: typeof badVersion) {
    const error = await expectConnectError(call, Code.InvalidArgument, "BAD_REQUEST");
    assert.deepEqual(rpcViolations(error), violations);
  }

  it("refuses version 0 when getting a workflow", async () => {
    const details = expectError(
      await apis.rest.get(`/api/v1/workflows/${workflowId}?version=0`),
      400,
      "BAD_REQUEST",
    );
    assert.deepEqual(restViolations(details), badVersion);
    await rpcRefuses(apis.workflows.getWorkflow({ workflowId, version: 0 }), badVersion);
    await rpcRefuses(apis.workflows.getWorkflow({ workflowId, version: -1 }), badVersion);
  });

  it("refuses version 0 when validating a workflow", async () => {
    const details = expectError(
      await apis.rest.post(`/api/v1/workflows/${workflowId}/validate`, { version: 0 }),
      400,
      "BAD_REQUEST",
    );
    assert.deepEqual(restViolations(details), badVersion);
    await rpcRefuses(apis.workflows.validateWorkflow({ workflowId, version: 0 }), badVersion);
  });

  it("refuses expected_version 0 when updating or publishing, and changes nothing", async () => {
    const update = expectError(
      await apis.rest.put(`/api/v1/workflows/${workflowId}`, { name: "x", expected_version: 0 }),
      400,
      "BAD_REQUEST",
    );
    assert.deepEqual(restViolations(update), badExpectedVersion);
    await rpcRefuses(
      apis.workflows.updateWorkflow({
        workflowId,
        expectedVersion: 0,
        metadata: { name: "x" },
        updateMask: { paths: ["metadata.name"] },
      }),
      badExpectedVersion,
    );
    const publish = expectError(
      await apis.rest.post(`/api/v1/workflows/${workflowId}/publish`, { expected_version: 0 }),
      400,
      "BAD_REQUEST",
    );
    assert.deepEqual(restViolations(publish), badExpectedVersion);
    await rpcRefuses(
      apis.workflows.publishWorkflow({ workflowId, expectedVersion: 0 }),
      badExpectedVersion,
    );

    const { workflow } = await apis.workflows.getWorkflow({ workflowId });
    assert.equal(workflow?.metadata?.version, 1);
    assert.equal(workflow?.metadata?.name, "Greeter");
    assert.equal(workflow?.metadata?.status, WorkflowStatus.DRAFT);
    const current = expectSuccess(await apis.rest.get(`/api/v1/workflows/${workflowId}`), 200);
    assert.equal(current.version, 1);
  });
});
