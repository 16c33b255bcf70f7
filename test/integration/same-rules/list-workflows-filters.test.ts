import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { Code } from "@connectrpc/connect";
import { WorkflowStatus } from "../../../src/gen/waddlebot/workflow/v1/workflow_pb.js";
import { createWorkflow } from "../rest/create-workflow.js";
import { greeterWorkflow } from "../rest/fixtures.js";
import { expectError, expectSuccess } from "../rest/helpers.js";
import { expectConnectError } from "../server/expect-error.js";
import { type BothApis, restViolations, rpcViolations, startBothApis } from "./both-apis.js";

describe("ListWorkflows filters, over REST and RPC", () => {
  let apis: BothApis;
  let workflowId: string;

  before(async () => {
    apis = await startBothApis();
    workflowId = await createWorkflow(apis.rest, greeterWorkflow(123));
  });
  after(() => apis.svc.close());

  it("refuses a negative entity_id on both", async () => {
    const expected = [
      { field: "entity_id", description: "entity_id must be an integer of at least 0" },
    ];
    const details = expectError(
      await apis.rest.get("/api/v1/workflows?entity_id=-1"),
      400,
      "BAD_REQUEST",
    );
    assert.deepEqual(restViolations(details), expected);
    const error = await expectConnectError(
      apis.workflows.listWorkflows({ entityId: -1n }),
      Code.InvalidArgument,
      "BAD_REQUEST",
    );
    assert.deepEqual(rpcViolations(error), expected);
  });

  it("refuses a status that is not a workflow status on both", async () => {
    const details = expectError(
      await apis.rest.get("/api/v1/workflows?status=finished"),
      400,
      "BAD_REQUEST",
    );
    assert.deepEqual(
      restViolations(details).map((v) => v.field),
      ["status"],
    );
    const error = await expectConnectError(
      apis.workflows.listWorkflows({ status: 99 as WorkflowStatus }),
      Code.InvalidArgument,
      "BAD_REQUEST",
    );
    assert.deepEqual(
      rpcViolations(error).map((v) => v.field),
      ["status"],
    );
  });

  it("lists with valid filters, and with none, on both", async () => {
    const rest = expectSuccess(
      await apis.rest.get("/api/v1/workflows?entity_id=456&status=draft"),
      200,
    );
    assert.deepEqual(
      rest.map((w: { workflow_id: string }) => w.workflow_id),
      [workflowId],
    );
    const rpc = await apis.workflows.listWorkflows({
      entityId: 456n,
      status: WorkflowStatus.DRAFT,
    });
    assert.deepEqual(
      rpc.workflows.map((w) => w.workflowId),
      [workflowId],
    );
    const unfiltered = await apis.workflows.listWorkflows({
      status: WorkflowStatus.UNSPECIFIED,
    });
    assert.deepEqual(
      unfiltered.workflows.map((w) => w.workflowId),
      [workflowId],
    );
  });
});
