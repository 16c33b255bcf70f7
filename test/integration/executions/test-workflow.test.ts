import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { fromJson } from "@bufbuild/protobuf";
import { ValueSchema } from "@bufbuild/protobuf/wkt";
import { Code } from "@connectrpc/connect";
import { NodeStatus } from "../../../src/gen/waddlebot/workflow/v1/execution_pb.js";
import {
  allNodeTriggers,
  allNodeTypesFinalOutput,
  allNodeTypesItems,
  allNodeTypesWorkflow,
  delayedWorkflow,
  modalWorkflow,
  quickWorkflow,
  toCreateRequest,
} from "../../support/workflow-fixtures.js";
import { within } from "../server/service-process.js";
import {
  allClientKinds,
  communityA,
  communityB,
  type ExecEnv,
  ExecutionStatus,
  expectRpcError,
  json,
  ownerUserId,
  rest,
  show,
  startExecEnv,
} from "./exec-support.js";

const entityId = 55;

describe("TestWorkflow (dry run)", () => {
  let env: ExecEnv;
  let draftId: string;
  let publishedId: string;
  let slowId: string;

  before(async () => {
    env = await startExecEnv();
    const spec = allNodeTypesWorkflow({
      communityId: communityA,
      entityId,
      webhookBaseUrl: env.hooks.url,
    });
    draftId = await env.draft(spec);
    publishedId = await env.publish({ ...spec, name: "Every node type, published" });
    slowId = await env.publish(
      delayedWorkflow({ communityId: communityA, delayMs: 120_000, hookBaseUrl: env.hooks.url }),
    );
  });
  after(() => env.close());

  const mocks = {
    score: fromJson(ValueSchema, { status: 200, output: { score: 42, note: "mocked" } }),
    chat: fromJson(ValueSchema, { status: 200, message_id: "mock-msg" }),
    hook: fromJson(ValueSchema, { status: 201, body: { mocked: true } }),
  };

  for (const kind of allClientKinds) {
    it(
      `${kind}: a draft runs dry with a full trace, mocks honoured, requests simulated, nothing sent`,
      {
        timeout: 60_000,
      },
      async () => {
        const tag = `dry-${kind}`;
        const result = await env.api(kind).test({
          workflowId: draftId,
          communityId: BigInt(communityA),
          variables: { note: tag },
          trigger: {
            triggerNodeId: allNodeTriggers.webhook,
            sessionId: `session-${tag}`,
            platform: "twitch",
            data: { user: "ann", tag },
          },
          nodeMocks: mocks,
        });
        assert.equal(
          result.status,
          ExecutionStatus.COMPLETED,
          `${result.errorReason} ${result.errorMessage}`,
        );
        assert.equal(result.testMode, true);
        assert.equal(result.workflowId, draftId);
        assert.equal(result.workflowVersion, 1);
        assert.notEqual(result.executionId, "");
        assert.equal(result.errorReason, "");

        assert.deepEqual(
          json(result.finalOutput),
          allNodeTypesFinalOutput({
            user: "ann",
            tag,
            principalUserId: ownerUserId,
            platform: "twitch",
            messageId: "mock-msg",
            hookBody: { mocked: true },
            hookStatus: 201,
          }),
          "the mocked module score 42 steers the switch; the chat and webhook mocks are used",
        );
        assert.deepEqual(result.finalVariables, {
          items: allNodeTypesItems,
          counter: 4,
          collected: ["0:a", "1:c"],
          note: tag,
          greeting: "hi ann",
          shout: "ANN",
          who: "ann",
          high: allNodeTypesItems.filter((i) => i.score > 2),
          module_score: 42,
          hook_result: { status: 201, body: { mocked: true } },
        });

        // The full trace: every node of the graph has a record, numbered 1..n (the order of the
        // list itself is checked on its own below).
        const trace = result.trace;
        assert.deepEqual(
          trace.map((r) => r.sequence).sort((a, b) => a - b),
          trace.map((_, i) => i + 1),
        );
        assert.deepEqual(
          [...new Set(trace.map((r) => r.nodeId))].sort(),
          [
            ...Object.values(allNodeTriggers),
            "entry",
            "greet",
            "who",
            "high",
            "check",
            "nope",
            "score",
            "route",
            "fan",
            "chat",
            "show",
            "hook",
            "join",
            "each",
            "collect",
            "stop_each",
            "spin",
            "inc",
            "stop_spin",
            "pause",
            "end",
          ].sort(),
        );
        const record = (id: string) =>
          trace.find((r) => r.nodeId === id) ?? assert.fail(`no ${id}`);
        assert.equal(record(allNodeTriggers.webhook).status, NodeStatus.COMPLETED);
        assert.equal(record(allNodeTriggers.command).status, NodeStatus.SKIPPED);
        assert.equal(record("nope").status, NodeStatus.SKIPPED);

        assert.deepEqual(json(record("score").simulatedRequest), {
          kind: "execute_module",
          module_name: "scorer",
          module_version: "1.2.0",
          input: { user: "ann", items: allNodeTypesItems.filter((i) => i.score > 2) },
          entity_id: entityId,
          user_id: ownerUserId,
          session_id: `session-${tag}`,
          timeout_ms: 20_000,
        });
        assert.deepEqual(json(record("score").output), {
          status: 200,
          output: { score: 42, note: "mocked" },
        });
        assert.deepEqual(json(record("hook").simulatedRequest), {
          kind: "webhook",
          url: `${env.hooks.url}/notify/${tag}`,
          method: "POST",
          headers: { "x-execution": result.executionId },
          body: '{"user": "ann", "count": 2}',
          timeout_ms: 20_000,
        });
        const chat = json(record("chat").simulatedRequest) as Record<string, unknown>;
        assert.equal(chat.message, "hi ann, your score is 42");
        assert.equal(chat.user_id, ownerUserId);
        const show_ = json(record("show").simulatedRequest) as Record<string, unknown>;
        assert.equal(show_.content, `Top for ${tag}: a, c`);
        assert.deepEqual(
          json(record("show").output),
          { status: 200, source_updated: true },
          "default",
        );
        assert.deepEqual(json(record("pause").simulatedRequest), { kind: "delay", delay_ms: 20 });
        for (const id of ["score", "chat", "show", "hook"]) {
          assert.ok(
            record(id).logs.some((l) => /dry-run/.test(l.message)),
            `${id} logs the dry run`,
          );
        }

        const summary = result.summary;
        assert.ok(summary);
        assert.equal(summary.passed, true);
        assert.equal(summary.nodesFailed, 0);
        assert.equal(
          summary.nodesExecuted,
          trace.filter((r) => r.status === NodeStatus.COMPLETED || r.status === NodeStatus.FAILED)
            .length,
        );
      },
    );
  }

  it("the trace lists records in execution (sequence) order, like GetExecution's node_runs", async () => {
    const result = await env.api("connect-h1").test({
      workflowId: draftId,
      communityId: BigInt(communityA),
      trigger: { triggerNodeId: allNodeTriggers.command, data: { user: "ann", tag: "order" } },
      nodeMocks: mocks,
    });
    assert.equal(result.status, ExecutionStatus.COMPLETED);
    // Loop nodes get their record (and sequence number) when they start, before their body.
    assert.deepEqual(
      result.trace.map((r) => `${r.sequence}:${r.nodeId}`),
      [...result.trace]
        .sort((a, b) => a.sequence - b.sequence)
        .map((r) => `${r.sequence}:${r.nodeId}`),
    );
  });

  it("a published workflow's dry run leaves no execution behind", { timeout: 60_000 }, async () => {
    const api = env.api("grpc-js");
    const result = await api.test({
      workflowId: publishedId,
      communityId: BigInt(communityA),
      trigger: { triggerNodeId: allNodeTriggers.command, data: { user: "bob", tag: "published" } },
    });
    assert.equal(result.status, ExecutionStatus.COMPLETED, result.errorMessage);
    // Without mocks the module answers its documented default ({status: 200, output: {}}),
    // so no score arrives and the switch takes its unconnected default port.
    const score = result.trace.find((r) => r.nodeId === "score");
    assert.deepEqual(json(score?.output), { status: 200, output: {} });
    assert.equal(result.trace.find((r) => r.nodeId === "route")?.outputPort, "other");
    assert.equal(json(result.finalOutput), null);

    for (const kind of allClientKinds) {
      const listed = await env.api(kind).list({ workflowId: publishedId, page: 1 });
      assert.deepEqual(listed.executions, [], kind);
      assert.equal(listed.pagination?.total, 0n);
      await expectRpcError(
        env.api(kind).get({ executionId: result.executionId }),
        Code.NotFound,
        "NOT_FOUND",
        kind,
      );
    }
  });

  it(
    "delays are recorded, not waited; a failing run is reported, not thrown",
    { timeout: 60_000 },
    async () => {
      const api = env.api("connect-h1");
      const slow = await within(
        api.test({ workflowId: slowId, communityId: BigInt(communityA) }),
        30_000,
        "a dry run of a 120 s delay",
      );
      assert.equal(slow.status, ExecutionStatus.COMPLETED);
      const wait = slow.trace.find((r) => r.nodeId === "wait");
      assert.deepEqual(json(wait?.simulatedRequest), { kind: "delay", delay_ms: 120_000 });
      assert.deepEqual(json(wait?.output), { delayed_ms: 120_000 });
      const before = json(slow.trace.find((r) => r.nodeId === "before")?.simulatedRequest) as {
        url?: string;
      } | null;
      assert.equal(before?.url, `${env.hooks.url}/before/${slow.executionId}`);

      const modalId = await env.publish(modalWorkflow({ communityId: communityA }));
      const failed = await api.test({
        workflowId: modalId,
        communityId: BigInt(communityA),
        variables: { mode: "fail" },
      });
      assert.equal(failed.status, ExecutionStatus.FAILED);
      assert.equal(failed.errorReason, "EXECUTION_ERROR");
      assert.match(failed.errorMessage, /vars\.missing\.deeper/);
      assert.equal(failed.summary?.passed, false);
      assert.equal(failed.summary?.nodesFailed, 1);
    },
  );

  it("tests a chosen version, and REST answers the same dry run", { timeout: 60_000 }, async () => {
    const spec = quickWorkflow({ communityId: communityA, name: "Versioned" });
    const id = await env.publish(spec);
    const v2 = toCreateRequest({ ...spec, globalVariables: { greeting: "howdy" } });
    await env.workflows().updateWorkflow({
      workflowId: id,
      globalVariables: v2.globalVariables ?? {},
      updateMask: { paths: ["global_variables"] },
    });
    const api = env.api("grpc-web");
    const latest = await api.test({ workflowId: id, communityId: BigInt(communityA) });
    assert.equal(latest.workflowVersion, 2);
    assert.equal(json(latest.finalOutput), "howdy there");
    const first = await api.test({ workflowId: id, communityId: BigInt(communityA), version: 1 });
    assert.equal(first.workflowVersion, 1);
    assert.equal(json(first.finalOutput), "hello there");
    await expectRpcError(
      api.test({ workflowId: id, communityId: BigInt(communityA), version: 9 }),
      Code.NotFound,
      "NOT_FOUND",
    );

    const reply = await rest(env.svc.url, env.ownerKey, "POST", `/api/v1/workflows/${id}/test`, {
      community_id: communityA,
      version: 1,
    });
    assert.equal(reply.status, 200, show(reply.body));
    assert.equal(reply.body.data.test_mode, true);
    assert.equal(reply.body.data.final_output, "hello there");
    const listed = await api.list({ workflowId: id, page: 1 });
    assert.deepEqual(listed.executions, []);
  });

  it("the wrong community_id is NOT_FOUND", async () => {
    for (const kind of allClientKinds) {
      await expectRpcError(
        env.api(kind).test({ workflowId: draftId, communityId: BigInt(communityB) }),
        Code.NotFound,
        "WORKFLOW_NOT_FOUND",
        kind,
      );
    }
  });

  it("no listening server received anything from any dry run", () => {
    assert.deepEqual(env.router.requests, []);
    assert.deepEqual(env.browser.requests, []);
    assert.deepEqual(env.hooks.requests, []);
  });
});
