import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { type Client, Code } from "@connectrpc/connect";
import { ErrorInfoSchema } from "../../../src/gen/waddlebot/workflow/v1/errors_pb.js";
import { WorkflowService } from "../../../src/gen/waddlebot/workflow/v1/workflow_service_pb.js";
import { ConnectAdmin } from "../rest/connect-admin.js";
import { createWorkflow } from "../rest/create-workflow.js";
import { greeterWorkflow } from "../rest/fixtures.js";
import { expectError, expectSuccess } from "../rest/helpers.js";
import type { RestClient } from "../rest/rest-client.js";
import { expectConnectError } from "../server/expect-error.js";
import { type BothApis, startBothApis } from "./both-apis.js";

/**
 * REST's PUT and RPC's UpdateWorkflow are one use case: REST's single-limit fields are merged
 * with the stored limits there, under the same version check and access rules.
 */
describe("updating a workflow over REST and RPC", () => {
  let apis: BothApis;
  let outsiderRest: RestClient;
  let outsiderRpc: Client<typeof WorkflowService>;

  before(async () => {
    apis = await startBothApis();
    const { secret } = await new ConnectAdmin(apis.svc).createKey("outsider", [99]);
    outsiderRest = apis.rest.as(secret);
    outsiderRpc = apis.svc.connect(WorkflowService, "connect-h1", secret);
  });
  after(() => apis.svc.close());

  it("changes one limit over REST, keeps the others, and RPC reads the same version", async () => {
    const workflowId = await createWorkflow(apis.rest, greeterWorkflow(123));
    const updated = expectSuccess(
      await apis.rest.put(`/api/v1/workflows/${workflowId}`, { max_iterations: 5 }),
      200,
    );
    assert.equal(updated.version, 2);
    assert.deepEqual(updated.metadata.limits, { timeout_seconds: 60, max_loop_iterations: 5 });
    const { workflow } = await apis.workflows.getWorkflow({ workflowId });
    assert.equal(workflow?.metadata?.version, 2);
    assert.equal(workflow?.metadata?.limits?.timeoutSeconds, 60);
    assert.equal(workflow?.metadata?.limits?.maxLoopIterations, 5);
  });

  it("checks expected_version the same way for a single-limit change and an RPC update", async () => {
    const workflowId = await createWorkflow(apis.rest, greeterWorkflow(123));
    expectSuccess(await apis.rest.put(`/api/v1/workflows/${workflowId}`, { name: "moved" }), 200);

    const staleReply = await apis.rest.put(`/api/v1/workflows/${workflowId}`, {
      max_execution_time: 30,
      expected_version: 1,
    });
    const stale = expectError(staleReply, 409, "CONFLICT");
    assert.deepEqual(stale, { workflow_id: workflowId, version: "2" });
    const error = await expectConnectError(
      apis.workflows.updateWorkflow({
        workflowId,
        expectedVersion: 1,
        metadata: { limits: { timeoutSeconds: 30 } },
        updateMask: { paths: ["metadata.limits"] },
      }),
      Code.Aborted,
      "CONFLICT",
    );
    assert.equal(error.rawMessage, staleReply.body.message);
    assert.deepEqual(error.findDetails(ErrorInfoSchema)[0]?.metadata, stale);
    const { workflow } = await apis.workflows.getWorkflow({ workflowId });
    assert.equal(workflow?.metadata?.version, 2);
    assert.equal(workflow?.metadata?.limits?.timeoutSeconds, 60);

    const current = expectSuccess(
      await apis.rest.put(`/api/v1/workflows/${workflowId}`, {
        max_execution_time: 30,
        expected_version: 2,
      }),
      200,
    );
    assert.equal(current.version, 3);
    assert.deepEqual(current.metadata.limits, { timeout_seconds: 30 });
  });

  it("hides the workflow from a caller who cannot view it, and audits update_workflow on both", async () => {
    const workflowId = await createWorkflow(apis.rest, greeterWorkflow(123));
    expectError(
      await outsiderRest.put(`/api/v1/workflows/${workflowId}`, { max_iterations: 1 }),
      404,
      "WORKFLOW_NOT_FOUND",
    );
    await expectConnectError(
      outsiderRpc.updateWorkflow({
        workflowId,
        metadata: { limits: { maxLoopIterations: 1 } },
        updateMask: { paths: ["metadata.limits"] },
      }),
      Code.NotFound,
      "WORKFLOW_NOT_FOUND",
    );
    const denials = apis.svc.logs.find(
      (l) => l.event_type === "AUTHZ" && l.workflow_id === workflowId,
    );
    assert.deepEqual(
      denials.map((l) => [l.user, l.action, l.result]),
      [
        ["outsider", "update_workflow", "DENIED"],
        ["outsider", "update_workflow", "DENIED"],
      ],
    );
    const { workflow } = await apis.workflows.getWorkflow({ workflowId });
    assert.equal(workflow?.metadata?.version, 1);
  });
});
