/**
 * Issue 9, defect 7: a single permission flag shows only what its holder may view. Without
 * can_view, an answer is a receipt (ids, version, status, times), over RPC and REST alike
 * (docs/permissions.md).
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { Code } from "@connectrpc/connect";
import { Permission } from "../../../src/gen/waddlebot/workflow/v1/permission_service_pb.js";
import { modalWorkflow, node, toCreateRequest } from "../../support/workflow-fixtures.js";
import {
  communityA,
  type ExecEnv,
  ExecutionStatus,
  expectRpcError,
  rest,
  show,
  startExecEnv,
  TargetType,
  waitForExecution,
} from "./exec-support.js";

const globalSecret = "GLOBAL-SECRET-7f3a";
const ownerInput = "OWNER-INPUT-91c2";
const communityId = BigInt(communityA);

function secretWorkflow(name: string) {
  return { ...modalWorkflow({ communityId: communityA, name }), globalVariables: { globalSecret } };
}

/** Fails when `answer`, serialized, contains any of the secrets. */
function assertHides(answer: unknown, what: string): void {
  const text = show(answer);
  for (const secret of [globalSecret, ownerInput, "Disclosure "]) {
    assert.ok(!text.includes(secret), `${what} shows ${secret}: ${text.slice(0, 400)}`);
  }
}

describe("what a single permission flag shows", () => {
  let env: ExecEnv;

  before(async () => {
    env = await startExecEnv();
  });
  after(() => env.close());

  async function keyWith(userId: string, workflowId: string, flags: Permission[]) {
    const key = await env.keyFor({ userId, communityIds: [communityA] });
    await env.grant(workflowId, { type: TargetType.USER, id: userId }, flags);
    return key;
  }

  it("a viewer's dry run shows the trace and the global variables (the control)", async () => {
    const workflowId = await env.draft(secretWorkflow("Disclosure control"));
    const key = await keyWith("viewer-executor", workflowId, [
      Permission.CAN_VIEW,
      Permission.CAN_EXECUTE,
    ]);
    const result = await env.api("grpc-js", key).test({ workflowId, communityId });
    assert.ok(result.trace.length > 0);
    assert.ok(show(result).includes(globalSecret), "a viewer sees the final variables");
    const reply = await rest(env.svc.url, key, "POST", `/api/v1/workflows/${workflowId}/test`, {
      community_id: communityA,
    });
    assert.equal(reply.status, 200);
    assert.ok(JSON.stringify(reply.body).includes(globalSecret));
  });

  it("can_execute alone: TestWorkflow answers status and summary, no trace or variables", async () => {
    const workflowId = await env.draft(secretWorkflow("Disclosure test"));
    const key = await keyWith("tester", workflowId, [Permission.CAN_EXECUTE]);
    for (const kind of ["grpc-js", "connect-h1", "grpc-web"] as const) {
      const result = await env.api(kind, key).test({ workflowId, communityId });
      assert.equal(result.status, ExecutionStatus.COMPLETED, kind);
      assert.equal(result.summary?.passed, true, kind);
      assert.ok((result.summary?.nodesExecuted ?? 0) > 0, kind);
      assert.deepEqual(result.trace, [], kind);
      assertHides(result, `TestWorkflow over ${kind}`);
    }
    const reply = await rest(env.svc.url, key, "POST", `/api/v1/workflows/${workflowId}/test`, {
      community_id: communityA,
    });
    assert.equal(reply.status, 200);
    assert.equal(reply.body.data.status, "completed");
    assert.deepEqual(reply.body.data.trace, []);
    assert.deepEqual(reply.body.data.final_variables, {});
    assertHides(reply.body, "REST test");
    // The grant still does not open the workflow itself.
    await expectRpcError(
      env.workflows(key).getWorkflow({ workflowId }),
      Code.NotFound,
      "WORKFLOW_NOT_FOUND",
    );
  });

  it("can_execute alone: cancelling another user's run answers no input variables", async () => {
    const workflowId = await env.publish(secretWorkflow("Disclosure cancel"));
    const key = await keyWith("canceller", workflowId, [Permission.CAN_EXECUTE]);
    const owner = env.api("grpc-js");
    for (const via of ["grpc-js", "connect-h1", "grpc-web", "rest"] as const) {
      const run = await owner.execute({
        workflowId,
        communityId,
        variables: { mode: "slow", ownerInput },
      });
      await waitForExecution(owner, run.executionId, (e) => e.status === ExecutionStatus.RUNNING);
      if (via === "rest") {
        const reply = await rest(
          env.svc.url,
          key,
          "POST",
          `/api/v1/workflows/executions/${run.executionId}/cancel`,
          {},
        );
        assert.equal(reply.status, 200);
        assertHides(reply.body, "REST cancel");
        continue;
      }
      const cancelled = await env.api(via, key).cancel({ executionId: run.executionId });
      assert.equal(cancelled.executionId, run.executionId);
      assert.equal(cancelled.status, ExecutionStatus.CANCELLED, via);
      assert.deepEqual(cancelled.inputVariables ?? {}, {}, via);
      assert.equal(cancelled.triggeredBy, "", via);
      assertHides(cancelled, `CancelExecution over ${via}`);
    }
  });

  it("can_execute alone: replaying an idempotency key after the run shows no outputs", async () => {
    const workflowId = await env.publish(secretWorkflow("Disclosure replay"));
    const key = await keyWith("replayer", workflowId, [Permission.CAN_EXECUTE]);
    const api = env.api("connect-h1", key);
    const first = await api.execute({ workflowId, communityId, idempotencyKey: "replay-1" });
    await waitForExecution(env.api("grpc-js"), first.executionId);
    const replay = await api.execute({ workflowId, communityId, idempotencyKey: "replay-1" });
    assert.equal(replay.executionId, first.executionId);
    assert.equal(replay.status, ExecutionStatus.COMPLETED);
    assert.deepEqual(replay.finalVariables ?? {}, {});
    assert.equal(replay.finalOutput?.kind.case ?? "nullValue", "nullValue");
    assertHides(replay, "ExecuteWorkflow replay");
  });

  it("can_edit alone: UpdateWorkflow and PublishWorkflow answer a receipt", async () => {
    const workflowId = await env.draft(secretWorkflow("Disclosure edit"));
    const key = await keyWith("editor", workflowId, [Permission.CAN_EDIT]);
    const editor = env.workflows(key);
    const { workflow } = await editor.updateWorkflow({
      workflowId,
      metadata: { description: "edited" },
      updateMask: { paths: ["metadata.description"] },
    });
    assert.equal(workflow?.workflowId, workflowId);
    assert.equal(workflow?.metadata?.version, 2);
    assert.deepEqual(workflow?.nodes, []);
    assert.deepEqual(workflow?.globalVariables ?? {}, {});
    assert.equal(workflow?.metadata?.name, "");
    assertHides(workflow, "UpdateWorkflow");
    const reply = await rest(env.svc.url, key, "PUT", `/api/v1/workflows/${workflowId}`, {
      description: "edited again",
    });
    assert.equal(reply.status, 200);
    assert.equal(reply.body.data.version, 3);
    assert.deepEqual(reply.body.data.nodes, []);
    assertHides(reply.body, "REST update");
    const published = await editor.publishWorkflow({ workflowId });
    assert.equal(published.workflow?.metadata?.version, 3);
    assertHides(published, "PublishWorkflow");
    // The owner's view is untouched.
    const { workflow: full } = await env.workflows().getWorkflow({ workflowId });
    assert.ok(show(full).includes(globalSecret));
    assert.equal(full?.metadata?.description, "edited again");
  });

  it("can_edit alone: publishing an invalid definition names no node", async () => {
    const spec = secretWorkflow("Disclosure invalid");
    spec.nodes = [...spec.nodes, node("lonely", "no_such_node_type")];
    const workflowId = await env.draft(spec);
    const key = await keyWith("invalid-editor", workflowId, [Permission.CAN_EDIT]);
    const editorError = await expectRpcError(
      env.workflows(key).publishWorkflow({ workflowId }),
      Code.InvalidArgument,
      "BAD_REQUEST",
    );
    assert.doesNotMatch(editorError.message, /lonely/);
    const reply = await rest(env.svc.url, key, "POST", `/api/v1/workflows/${workflowId}/publish`);
    assert.equal(reply.status, 400);
    assert.doesNotMatch(JSON.stringify(reply.body), /lonely/);
    // The owner sees the violations.
    const ownerReply = await rest(
      env.svc.url,
      env.ownerKey,
      "POST",
      `/api/v1/workflows/${workflowId}/publish`,
    );
    assert.equal(ownerReply.status, 400);
    assert.match(JSON.stringify(ownerReply.body.details.field_violations), /lonely/);
  });

  it("can_execute alone: dry-running an invalid draft names no node", async () => {
    const spec = secretWorkflow("Disclosure invalid test");
    spec.nodes = [...spec.nodes, node("lonely", "no_such_node_type")];
    const workflowId = await env.draft(spec);
    const key = await keyWith("invalid-tester", workflowId, [Permission.CAN_EXECUTE]);
    const refused = await expectRpcError(
      env.api("grpc-js", key).test({ workflowId, communityId }),
      Code.InvalidArgument,
      "BAD_REQUEST",
    );
    assert.doesNotMatch(refused.message, /lonely/);
    const reply = await rest(env.svc.url, key, "POST", `/api/v1/workflows/${workflowId}/test`, {
      community_id: communityA,
    });
    assert.equal(reply.status, 400);
    assert.doesNotMatch(JSON.stringify(reply.body), /lonely/);
    const ownerReply = await rest(
      env.svc.url,
      env.ownerKey,
      "POST",
      `/api/v1/workflows/${workflowId}/test`,
      { community_id: communityA },
    );
    assert.equal(ownerReply.status, 400);
    assert.match(JSON.stringify(ownerReply.body.details.field_violations), /lonely/);
  });

  it("can_delete alone: DeleteWorkflow answers a receipt", async () => {
    const workflowId = await env.draft(secretWorkflow("Disclosure delete"));
    const key = await keyWith("deleter", workflowId, [Permission.CAN_DELETE]);
    const { workflow } = await env.workflows(key).deleteWorkflow({ workflowId });
    assert.equal(workflow?.workflowId, workflowId);
    assert.deepEqual(workflow?.nodes, []);
    assertHides(workflow, "DeleteWorkflow");
    const again = await rest(env.svc.url, key, "DELETE", `/api/v1/workflows/${workflowId}`);
    assert.equal(again.status, 200);
    assertHides(again.body, "REST delete");
  });

  it("the owner still gets everything back from UpdateWorkflow", async () => {
    const workflowId = await env.draft(secretWorkflow("Disclosure owner"));
    const { workflow } = await env
      .workflows()
      .updateWorkflow(toUpdate(workflowId, secretWorkflow("Disclosure owner, renamed")));
    assert.ok(show(workflow).includes(globalSecret));
    assert.ok((workflow?.nodes.length ?? 0) > 0);
  });
});

function toUpdate(workflowId: string, spec: ReturnType<typeof secretWorkflow>) {
  const create = toCreateRequest(spec);
  return {
    workflowId,
    metadata: create.metadata,
    globalVariables: create.globalVariables,
    nodes: create.nodes,
    connections: create.connections,
  };
}
