import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { timestampDate } from "@bufbuild/protobuf/wkt";
import { Code } from "@connectrpc/connect";
import { Permission } from "../../../src/gen/waddlebot/workflow/v1/permission_service_pb.js";
import {
  allNodeTypesWorkflow,
  delayedWorkflow,
  echoWorkflow,
  edge,
  node,
  quickWorkflow,
  toCreateRequest,
  type WorkflowSpec,
} from "../../support/workflow-fixtures.js";
import {
  allClientKinds,
  communityA,
  communityB,
  type ExecEnv,
  ExecutionStatus,
  expectRpcError,
  isTerminal,
  json,
  ownerUserId,
  rest,
  show,
  startExecEnv,
  TargetType,
  waitForExecution,
} from "./exec-support.js";

describe("ExecuteWorkflow", () => {
  let env: ExecEnv;
  let slowId: string;
  let quickId: string;

  before(async () => {
    env = await startExecEnv();
    slowId = await env.publish(
      delayedWorkflow({ communityId: communityA, delayMs: 120_000, hookBaseUrl: env.hooks.url }),
    );
    quickId = await env.publish(quickWorkflow({ communityId: communityA }));
  });
  after(() => env.close());

  for (const kind of allClientKinds) {
    it(
      `${kind}: answers at once with a pending execution while the run is still going`,
      {
        timeout: 60_000,
      },
      async () => {
        const api = env.api(kind);
        const before = Date.now();
        const started = await api.execute({
          workflowId: slowId,
          communityId: BigInt(communityA),
          variables: { who: kind },
        });
        assert.ok(
          started.status === ExecutionStatus.PENDING || started.status === ExecutionStatus.RUNNING,
          `status ${ExecutionStatus[started.status]}`,
        );
        assert.match(started.executionId, /^[0-9a-f-]{36}$/);
        assert.equal(started.workflowId, slowId);
        assert.equal(started.workflowVersion, 1);
        assert.equal(started.communityId, BigInt(communityA));
        assert.equal(started.triggeredBy, ownerUserId);
        assert.equal(started.trigger?.triggerSource, "api");
        assert.ok(started.createdAt);
        assert.ok(timestampDate(started.createdAt).getTime() >= before - 1000);
        assert.equal(started.completedAt, undefined);
        assert.deepEqual(started.nodeRuns, []);

        // The run goes on after the answer: it reaches the delay (the first webhook has been
        // called) and is still not finished, 120 s before the delay could end.
        await env.hooks.waitFor((r) => r.path === `/before/${started.executionId}`);
        const running = await api.get({ executionId: started.executionId });
        assert.equal(running.status, ExecutionStatus.RUNNING);
        assert.ok(!isTerminal(running.status));
        assert.equal(env.hooks.to(`/after/${started.executionId}`).length, 0);

        const cancelled = await api.cancel({ executionId: started.executionId });
        assert.equal(cancelled.status, ExecutionStatus.CANCELLED);
      },
    );
  }

  it("REST answers 202 at once with the pending execution", { timeout: 60_000 }, async () => {
    const reply = await rest(
      env.svc.url,
      env.ownerKey,
      "POST",
      `/api/v1/workflows/${slowId}/execute`,
      {
        community_id: communityA,
      },
    );
    assert.equal(reply.status, 202, show(reply.body));
    const executionId = reply.body.data.execution_id as string;
    assert.ok(["pending", "running"].includes(reply.body.data.status));
    await env.hooks.waitFor((r) => r.path === `/before/${executionId}`);
    const api = env.api("connect-h1");
    assert.equal((await api.get({ executionId })).status, ExecutionStatus.RUNNING);
    await api.cancel({ executionId });
  });

  it(
    "caller variables cannot overwrite the trusted facts (user, workflow, community)",
    {
      timeout: 60_000,
    },
    async () => {
      const echoId = await env.publish(echoWorkflow({ communityId: communityA, entityId: 9 }));
      for (const kind of allClientKinds) {
        const api = env.api(kind);
        const variables = {
          user_id: "mallory",
          workflow_id: "another-workflow",
          community_id: communityB,
          user: "mallory",
          workflow: "another-workflow",
          community: communityB,
          execution: { user_id: "mallory", community_id: communityB, workflow_id: "x" },
          preset: "from the caller",
        };
        const started = await api.execute({
          workflowId: echoId,
          communityId: BigInt(communityA),
          variables,
          trigger: { platform: "discord", sessionId: "s-1", data: { user_id: "mallory" } },
        });
        const done = await waitForExecution(api, started.executionId);
        assert.equal(done.status, ExecutionStatus.COMPLETED, done.errorMessage);
        assert.equal(done.triggeredBy, ownerUserId);
        assert.equal(done.workflowId, echoId);
        assert.equal(done.communityId, BigInt(communityA));
        assert.equal(done.entityId, 9n);
        assert.deepEqual(done.inputVariables, variables, "the variables are kept as supplied");
        const output = json(done.finalOutput) as Record<string, Record<string, unknown>>;
        assert.deepEqual(
          {
            execution_id: output.execution?.execution_id,
            workflow_id: output.execution?.workflow_id,
            workflow_version: output.execution?.workflow_version,
            user_id: output.execution?.user_id,
            community_id: output.execution?.community_id,
            entity_id: output.execution?.entity_id,
            session_id: output.execution?.session_id,
            platform: output.execution?.platform,
            mode: output.execution?.mode,
          },
          {
            execution_id: started.executionId,
            workflow_id: echoId,
            workflow_version: 1,
            user_id: ownerUserId,
            community_id: communityA,
            entity_id: 9,
            session_id: "s-1",
            platform: "discord",
            mode: "live",
          },
          `${kind}: ${show(output.execution)}`,
        );
        assert.deepEqual(output.vars, variables, "caller variables live under vars only");
        assert.deepEqual(output.trigger, { user_id: "mallory" });
      }
    },
  );

  it(
    "a trigger that is ambiguous or unknown never leaves a run hanging",
    { timeout: 60_000 },
    async () => {
      const id = await env.publish(
        allNodeTypesWorkflow({
          communityId: communityA,
          webhookBaseUrl: env.hooks.url,
          name: "4 triggers",
        }),
      );
      const api = env.api("connect-h2");
      for (const trigger of [{}, { triggerNodeId: "no_such_node" }, { triggerNodeId: "greet" }]) {
        const outcome = await api
          .execute({ workflowId: id, communityId: BigInt(communityA), trigger })
          .then(
            async (started) => {
              const done = await waitForExecution(api, started.executionId);
              return { status: done.status, reason: done.errorReason, message: done.errorMessage };
            },
            (error: unknown) => ({ status: "rejected", reason: String(error), message: "" }),
          );
        // Either refused up front or ended failed with the reason; never completed or stuck.
        if (outcome.status !== "rejected") {
          assert.equal(outcome.status, ExecutionStatus.FAILED, show(outcome));
          assert.equal(outcome.reason, "BAD_REQUEST", show(outcome));
          assert.match(outcome.message, /trigger/, show(outcome));
        } else {
          assert.match(outcome.reason, /trigger/);
        }
      }
      assert.equal(env.router.requests.length, 0, "nothing ran");
      assert.equal(env.hooks.to("/notify/").length, 0);
    },
  );

  it("executing a draft is FAILED_PRECONDITION (REST 409)", async () => {
    const draftId = await env.draft(quickWorkflow({ communityId: communityA, name: "Draft" }));
    for (const kind of allClientKinds) {
      await expectRpcError(
        env.api(kind).execute({ workflowId: draftId, communityId: BigInt(communityA) }),
        Code.FailedPrecondition,
        "FAILED_PRECONDITION",
        kind,
      );
    }
    const reply = await rest(
      env.svc.url,
      env.ownerKey,
      "POST",
      `/api/v1/workflows/${draftId}/execute`,
      {
        community_id: communityA,
      },
    );
    assert.equal(reply.status, 409, show(reply.body));
    assert.equal(reply.body.error_code, "FAILED_PRECONDITION");
    const listed = await env.api("connect-h1").list({ workflowId: draftId, page: 1 });
    assert.equal(listed.executions.length, 0, "nothing was stored");
  });

  it("executing an archived workflow is FAILED_PRECONDITION", async () => {
    const id = await env.publish(quickWorkflow({ communityId: communityA, name: "To archive" }));
    await env.workflows().deleteWorkflow({ workflowId: id });
    for (const kind of allClientKinds) {
      await expectRpcError(
        env.api(kind).execute({ workflowId: id, communityId: BigInt(communityA) }),
        Code.FailedPrecondition,
        "FAILED_PRECONDITION",
        kind,
      );
    }
  });

  it("the wrong community_id is NOT_FOUND, as is an unknown workflow; none is BAD_REQUEST", async () => {
    for (const kind of allClientKinds) {
      const api = env.api(kind);
      await expectRpcError(
        api.execute({ workflowId: quickId, communityId: BigInt(communityB) }),
        Code.NotFound,
        "WORKFLOW_NOT_FOUND",
        `${kind} wrong community`,
      );
      await expectRpcError(
        api.execute({
          workflowId: "0190aaaa-0000-7000-8000-000000000000",
          communityId: BigInt(communityA),
        }),
        Code.NotFound,
        "WORKFLOW_NOT_FOUND",
        `${kind} unknown workflow`,
      );
      await expectRpcError(
        api.execute({ workflowId: quickId }),
        Code.InvalidArgument,
        "BAD_REQUEST",
        `${kind} no community`,
      );
    }
    const listed = await env.api("grpc-js").list({ workflowId: quickId, page: 1 });
    assert.equal(listed.executions.length, 0, "nothing was stored");
  });

  it(
    "the same idempotency key from the same caller returns the first execution, on every protocol",
    {
      timeout: 60_000,
    },
    async () => {
      const id = await env.publish(quickWorkflow({ communityId: communityA, name: "Idempotent" }));
      const key = `key-${Date.now()}`;
      const first = await env.api("grpc-js").execute({
        workflowId: id,
        communityId: BigInt(communityA),
        idempotencyKey: key,
      });
      for (const kind of allClientKinds) {
        const again = await env.api(kind).execute({
          workflowId: id,
          communityId: BigInt(communityA),
          idempotencyKey: key,
          variables: { changed: true },
        });
        assert.equal(again.executionId, first.executionId, kind);
      }
      const viaRest = await rest(
        env.svc.url,
        env.ownerKey,
        "POST",
        `/api/v1/workflows/${id}/execute`,
        {
          community_id: communityA,
          idempotency_key: key,
        },
      );
      assert.ok([200, 202].includes(viaRest.status), show(viaRest.body));
      assert.equal(viaRest.body.data.execution_id, first.executionId);

      // Another caller with the same key gets an execution of its own.
      const otherKey = await env.keyFor({ userId: "second-caller", communityIds: [communityA] });
      await env.grant(id, { type: TargetType.USER, id: "second-caller" }, [
        Permission.CAN_VIEW,
        Permission.CAN_EXECUTE,
      ]);
      const other = await env.api("connect-h2", otherKey).execute({
        workflowId: id,
        communityId: BigInt(communityA),
        idempotencyKey: key,
      });
      assert.notEqual(other.executionId, first.executionId);
      assert.equal(other.triggeredBy, "second-caller");
      const otherAgain = await env.api("grpc-web", otherKey).execute({
        workflowId: id,
        communityId: BigInt(communityA),
        idempotencyKey: key,
      });
      assert.equal(otherAgain.executionId, other.executionId);

      // A different key from the first caller starts a new run.
      const fresh = await env.api("grpc-js").execute({
        workflowId: id,
        communityId: BigInt(communityA),
        idempotencyKey: `${key}-2`,
      });
      assert.notEqual(fresh.executionId, first.executionId);

      // The same key for another workflow is a mistake, not a replay.
      await expectRpcError(
        env.api("grpc-js").execute({
          workflowId: quickId,
          communityId: BigInt(communityA),
          idempotencyKey: key,
        }),
        Code.AlreadyExists,
        "ALREADY_EXISTS",
        "key reused for another workflow",
      );

      const api = env.api("connect-h1");
      for (const executionId of [first.executionId, other.executionId, fresh.executionId]) {
        await waitForExecution(api, executionId);
      }
      const listed = await api.list({ workflowId: id, page: 1 });
      assert.deepEqual(
        listed.executions.map((e) => e.executionId).sort(),
        [first.executionId, other.executionId, fresh.executionId].sort(),
        "exactly three executions were stored",
      );
    },
  );

  it(
    "concurrent requests with one idempotency key start one execution",
    { timeout: 60_000 },
    async () => {
      const id = await env.publish(quickWorkflow({ communityId: communityA, name: "Racing keys" }));
      const key = `race-${Date.now()}`;
      const answers = await Promise.all(
        Array.from({ length: 12 }, (_, i) =>
          env.api(allClientKinds[i % allClientKinds.length] ?? "grpc-js").execute({
            workflowId: id,
            communityId: BigInt(communityA),
            idempotencyKey: key,
          }),
        ),
      );
      const ids = new Set(answers.map((e) => e.executionId));
      assert.equal(ids.size, 1, show([...ids]));
      const listed = await env.api("connect-h1").list({ workflowId: id, page: 1 });
      assert.equal(listed.executions.length, 1);
    },
  );

  it(
    "runs the published version, not a later edit; a run keeps the version it started with",
    {
      timeout: 60_000,
    },
    async () => {
      const spec = quickWorkflow({ communityId: communityA, name: "Versions" });
      const id = await env.publish(spec);
      const editTo = async (greeting: string) =>
        env.workflows().updateWorkflow({
          workflowId: id,
          globalVariables: { greeting },
          updateMask: { paths: ["global_variables"] },
        });
      await editTo("draft edit");
      const api = env.api("grpc-js");
      const v1 = await api.execute({ workflowId: id, communityId: BigInt(communityA) });
      assert.equal(v1.workflowVersion, 1);
      const v1Done = await waitForExecution(api, v1.executionId);
      assert.equal(json(v1Done.finalOutput), "hello there", "the published version ran");

      await env.workflows().publishWorkflow({ workflowId: id });
      const v2 = await api.execute({ workflowId: id, communityId: BigInt(communityA) });
      assert.equal(v2.workflowVersion, 2);
      assert.equal(
        json((await waitForExecution(api, v2.executionId)).finalOutput),
        "draft edit there",
      );

      // A run started on a version finishes on it, whatever is published meanwhile.
      const held: WorkflowSpec = {
        name: "Held",
        communityId: communityA,
        nodes: [
          node("start", "trigger_command", { command_pattern: "!held", platforms: ["twitch"] }),
          node("call", "action_webhook", {
            url: `${env.hooks.url}/hold/{{ trigger.tag }}`,
            method: "POST",
            body_template: "{}",
          }),
          node("end", "flow_end", { output_expression: "'first version'" }),
        ],
        edges: [edge("start", "output", "call"), edge("call", "success", "end")],
      };
      const heldId = await env.publish(held);
      env.hooks.hold("/hold/versioned");
      const early = await api.execute({
        workflowId: heldId,
        communityId: BigInt(communityA),
        trigger: { data: { tag: "versioned" } },
      });
      await env.hooks.waitFor((r) => r.path === "/hold/versioned");
      const second = toCreateRequest({
        ...held,
        nodes: held.nodes.map((n) =>
          n.id === "end" ? node("end", "flow_end", { output_expression: "'second version'" }) : n,
        ),
      });
      await env.workflows().updateWorkflow({
        workflowId: heldId,
        nodes: second.nodes ?? [],
        updateMask: { paths: ["nodes"] },
      });
      await env.workflows().publishWorkflow({ workflowId: heldId });
      env.hooks.release("/hold/versioned");
      const earlyDone = await waitForExecution(api, early.executionId);
      assert.equal(earlyDone.workflowVersion, 1);
      assert.equal(json(earlyDone.finalOutput), "first version");
      const late = await api.execute({
        workflowId: heldId,
        communityId: BigInt(communityA),
        trigger: { data: { tag: "after-publish" } },
      });
      const lateDone = await waitForExecution(api, late.executionId);
      assert.equal(lateDone.workflowVersion, 2);
      assert.equal(json(lateDone.finalOutput), "second version");
    },
  );

  it("oversized variables or trigger data are BAD_REQUEST", async () => {
    const big = "x".repeat(300 * 1024);
    for (const kind of allClientKinds) {
      const api = env.api(kind);
      await expectRpcError(
        api.execute({ workflowId: quickId, communityId: BigInt(communityA), variables: { big } }),
        Code.InvalidArgument,
        "BAD_REQUEST",
        `${kind} variables`,
      );
      await expectRpcError(
        api.execute({
          workflowId: quickId,
          communityId: BigInt(communityA),
          trigger: { data: { big } },
        }),
        Code.InvalidArgument,
        "BAD_REQUEST",
        `${kind} trigger data`,
      );
    }
  });
});
