import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import {
  NodeStatus,
  type ExecutionStatus as Status,
} from "../../../src/gen/waddlebot/workflow/v1/execution_pb.js";
import {
  allNodeTriggers,
  allNodeTypesFinalOutput,
  allNodeTypesItems,
  allNodeTypesWorkflow,
} from "../../support/workflow-fixtures.js";
import {
  allClientKinds,
  type ClientKind,
  communityA,
  type ExecEnv,
  ExecutionStatus,
  isTerminal,
  json,
  ownerUserId,
  rest,
  routerScore,
  show,
  sleep,
  startExecEnv,
  waitForExecution,
} from "./exec-support.js";
import type { ReceivedRequest } from "./fake-services.js";

const entityId = 77;
const nodeTypesWithoutTriggers = [
  "condition_if",
  "condition_switch",
  "condition_filter",
  "action_module",
  "action_webhook",
  "action_chat_message",
  "action_browser_source",
  "action_delay",
  "data_transform",
  "data_variable_set",
  "data_variable_get",
  "loop_foreach",
  "loop_while",
  "loop_break",
  "flow_merge",
  "flow_parallel",
  "flow_end",
];
const triggerTypes: Record<string, string> = {
  [allNodeTriggers.command]: "trigger_command",
  [allNodeTriggers.event]: "trigger_event",
  [allNodeTriggers.webhook]: "trigger_webhook",
  [allNodeTriggers.schedule]: "trigger_schedule",
};

/** One run per client; between them every trigger starts a run. */
const runs: { kind: ClientKind | "rest"; trigger: string }[] = [
  { kind: "grpc-js", trigger: allNodeTriggers.command },
  { kind: "connect-h1", trigger: allNodeTriggers.event },
  { kind: "connect-h2", trigger: allNodeTriggers.webhook },
  { kind: "grpc-web", trigger: allNodeTriggers.schedule },
  { kind: "grpc-web-h2", trigger: allNodeTriggers.command },
  { kind: "rest", trigger: allNodeTriggers.event },
];

describe("a published workflow with all 21 node types runs live", () => {
  let env: ExecEnv;
  let workflowId: string;

  before(async () => {
    env = await startExecEnv();
    workflowId = await env.publish(
      allNodeTypesWorkflow({ communityId: communityA, entityId, webhookBaseUrl: env.hooks.url }),
    );
  });
  after(() => env.close());

  for (const { kind, trigger } of runs) {
    it(
      `${kind}: from ${trigger}, to the expected output, with the expected requests`,
      {
        timeout: 90_000,
      },
      async () => {
        const tag = `${kind}-${trigger}`;
        const user = `user-${kind}`;
        const sessionId = `session-${tag}`;
        const variables = { user_id: "mallory", entity_id: 666, note: tag };
        const triggerData = { user, tag };

        const { executionId, finalOutput, nodeRuns, execution } =
          kind === "rest"
            ? await runOverRest(env, workflowId, trigger, sessionId, variables, triggerData)
            : await runOverRpc(env, kind, workflowId, trigger, sessionId, variables, triggerData);

        assert.equal(execution.status, "completed", show(execution));
        assert.deepEqual(
          finalOutput,
          allNodeTypesFinalOutput({
            user,
            tag,
            principalUserId: ownerUserId,
            platform: "twitch",
            messageId: `msg:hi ${user}, your score is ${routerScore}`,
            hookBody: { received: true, path: `/notify/${tag}` },
          }),
        );

        // Every type ran for real (the chosen trigger among the four); the rest were skipped.
        const ran = new Set(
          nodeRuns.filter((r) => r.status === "completed").map((r) => r.nodeType),
        );
        for (const type of [...nodeTypesWithoutTriggers, triggerTypes[trigger]]) {
          assert.ok(ran.has(type as string), `${type} completed`);
        }
        const skipped = nodeRuns.filter((r) => r.status === "skipped").map((r) => r.nodeId);
        const otherTriggers = Object.keys(triggerTypes).filter((id) => id !== trigger);
        assert.deepEqual(skipped.sort(), [...otherTriggers, "nope"].sort());
        assert.equal(nodeRuns.filter((r) => r.status === "failed").length, 0);
        const iterations = (id: string) =>
          nodeRuns.filter((r) => r.nodeId === id).map((r) => r.iterationPath);
        assert.deepEqual(iterations("collect"), [[0], [1]]);
        assert.deepEqual(iterations("inc"), [[0], [1]]);
        assert.deepEqual(
          nodeRuns.map((r) => r.sequence),
          nodeRuns.map((_, i) => i + 1),
          "records in sequence order",
        );

        // What the fake services received for this run, exactly.
        const forRun = (
          requests: ReceivedRequest[],
          match: (b: Record<string, unknown>) => boolean,
        ) => requests.filter((r) => match((r.body ?? {}) as Record<string, unknown>));
        const modules = forRun(
          env.router.to("/api/v1/execute-module"),
          (b) => b.session_id === sessionId,
        );
        assert.equal(modules.length, 1, "one module call");
        assert.equal(modules[0]?.method, "POST");
        assert.deepEqual(modules[0]?.body, {
          module_name: "scorer",
          module_version: "1.2.0",
          input: { user, items: allNodeTypesItems.filter((i) => i.score > 2) },
          entity_id: entityId,
          user_id: ownerUserId,
          session_id: sessionId,
        });
        const message = `hi ${user}, your score is ${routerScore}`;
        const chats = forRun(env.router.to("/api/v1/send-message"), (b) => b.message === message);
        assert.equal(chats.length, 1, "one chat message");
        assert.deepEqual(chats[0]?.body, {
          message,
          destination: "current_channel",
          entity_id: entityId,
          user_id: ownerUserId,
          platform: "twitch",
          reply_to_message: false,
        });
        const content = `Top for ${tag}: a, c`;
        const updates = forRun(env.browser.requests, (b) => b.content === content);
        assert.equal(updates.length, 1, "one browser-source update");
        assert.equal(updates[0]?.path, "/api/v1/update");
        assert.deepEqual(updates[0]?.body, {
          source_type: "ticker",
          action: "display",
          content,
          duration: 5,
          priority: 2,
          entity_id: entityId,
        });
        const hooks = env.hooks.to(`/notify/${tag}`);
        assert.equal(hooks.length, 1, "one webhook call");
        assert.equal(hooks[0]?.method, "POST");
        assert.equal(hooks[0]?.headers["x-execution"], executionId);
        assert.deepEqual(hooks[0]?.body, { user, count: 2 });
      },
    );
  }

  const concurrentRuns = 20;

  it(
    `${concurrentRuns} runs started at once over every client all end with their own output`,
    {
      timeout: 120_000,
    },
    async () => {
      const kinds = allClientKinds;
      const triggers = Object.values(allNodeTriggers);
      const warnings: Error[] = [];
      const onWarning = (warning: Error) => warnings.push(warning);
      process.on("warning", onWarning);
      after(() => process.off("warning", onWarning));
      const started = await Promise.all(
        Array.from({ length: concurrentRuns }, async (_, i) => {
          const kind = kinds[i % kinds.length] as ClientKind;
          const tag = `batch-${i}`;
          const api = env.api(kind);
          const execution = await api.execute({
            workflowId,
            communityId: BigInt(communityA),
            trigger: {
              triggerNodeId: triggers[i % triggers.length],
              platform: "twitch",
              sessionId: `session-${tag}`,
              data: { user: `user-${i}`, tag },
            },
          });
          return { api, tag, user: `user-${i}`, executionId: execution.executionId };
        }),
      );
      const ended = await Promise.all(
        started.map(async (run) => ({
          run,
          execution: await waitForExecution(run.api, run.executionId),
        })),
      );
      for (const { run, execution } of ended) {
        assert.equal(
          execution.status,
          ExecutionStatus.COMPLETED,
          `${run.tag}: ${execution.errorMessage}`,
        );
        assert.deepEqual(
          json(execution.finalOutput),
          allNodeTypesFinalOutput({
            user: run.user,
            tag: run.tag,
            principalUserId: ownerUserId,
            platform: "twitch",
            messageId: `msg:hi ${run.user}, your score is ${routerScore}`,
            hookBody: { received: true, path: `/notify/${run.tag}` },
          }),
        );
        assert.equal(
          env.hooks.requests.filter((r) => r.path === `/notify/${run.tag}`).length,
          1,
          run.tag,
        );
        const sequences = execution.nodeRuns.map((r) => r.sequence);
        assert.deepEqual(
          sequences,
          sequences.map((_, i) => i + 1),
          `${run.tag}: records 1..n`,
        );
      }
      // Many calls in flight at once are normal for the service, not a listener leak.
      assert.deepEqual(
        warnings.map((w) => `${w.name}: ${w.message}`),
        [],
        "no process warnings while 20 runs were started and polled",
      );
    },
  );

  it("the servers received nothing beyond the runs' requests", () => {
    const total = runs.length + concurrentRuns;
    assert.equal(env.router.to("/api/v1/execute-module").length, total);
    assert.equal(env.router.to("/api/v1/send-message").length, total);
    assert.equal(env.router.requests.length, 2 * total);
    assert.equal(env.browser.requests.length, total);
    assert.equal(env.hooks.requests.length, total);
  });
});

interface RunResult {
  executionId: string;
  finalOutput: unknown;
  nodeRuns: {
    nodeId: string;
    nodeType: string;
    status: string;
    sequence: number;
    iterationPath: number[];
  }[];
  execution: { status: string };
}

const nodeStatusName = (status: NodeStatus) => NodeStatus[status].toLowerCase();
const statusName = (status: Status) => ExecutionStatus[status].toLowerCase();

async function runOverRpc(
  env: ExecEnv,
  kind: ClientKind,
  workflowId: string,
  trigger: string,
  sessionId: string,
  variables: Record<string, string | number>,
  data: Record<string, string>,
): Promise<RunResult> {
  const api = env.api(kind);
  const started = await api.execute({
    workflowId,
    communityId: BigInt(communityA),
    variables,
    trigger: { triggerNodeId: trigger, triggerSource: "e2e", sessionId, platform: "twitch", data },
  });
  assert.ok(
    [ExecutionStatus.PENDING, ExecutionStatus.RUNNING].includes(started.status),
    `answered ${ExecutionStatus[started.status]}`,
  );
  const deadline = Date.now() + 60_000;
  let execution = await api.get({ executionId: started.executionId });
  while (!isTerminal(execution.status)) {
    assert.ok(Date.now() < deadline, "the run ends within 60 s");
    await sleep(50);
    execution = await api.get({ executionId: started.executionId });
  }
  assert.equal(execution.errorMessage, "");
  assert.equal(execution.triggeredBy, ownerUserId);
  assert.deepEqual(execution.inputVariables, variables);
  return {
    executionId: started.executionId,
    finalOutput: json(execution.finalOutput),
    nodeRuns: execution.nodeRuns.map((r) => ({
      nodeId: r.nodeId,
      nodeType: r.nodeType,
      status: nodeStatusName(r.status),
      sequence: r.sequence,
      iterationPath: r.iterationPath,
    })),
    execution: { status: statusName(execution.status) },
  };
}

async function runOverRest(
  env: ExecEnv,
  workflowId: string,
  trigger: string,
  sessionId: string,
  variables: Record<string, string | number>,
  data: Record<string, string>,
): Promise<RunResult> {
  const started = await rest(
    env.svc.url,
    env.ownerKey,
    "POST",
    `/api/v1/workflows/${workflowId}/execute`,
    {
      community_id: communityA,
      variables,
      trigger: {
        trigger_node_id: trigger,
        trigger_source: "e2e",
        session_id: sessionId,
        platform: "twitch",
        data,
      },
    },
  );
  assert.equal(started.status, 202, show(started.body));
  const executionId = started.body.data.execution_id as string;
  assert.ok(["pending", "running"].includes(started.body.data.status));
  const deadline = Date.now() + 60_000;
  for (;;) {
    const got = await rest(
      env.svc.url,
      env.ownerKey,
      "GET",
      `/api/v1/workflows/executions/${executionId}`,
    );
    assert.equal(got.status, 200, show(got.body));
    const data = got.body.data;
    if (["completed", "failed", "cancelled"].includes(data.status)) {
      assert.equal(data.error, null);
      assert.equal(data.triggered_by, ownerUserId);
      return {
        executionId,
        finalOutput: data.final_output,
        nodeRuns: (data.node_runs as Record<string, unknown>[]).map((r) => ({
          nodeId: r.node_id as string,
          nodeType: r.node_type as string,
          status: r.status as string,
          sequence: r.sequence as number,
          iterationPath: r.iteration_path as number[],
        })),
        execution: { status: data.status },
      };
    }
    assert.ok(Date.now() < deadline, "the run ends within 60 s");
    await sleep(50);
  }
}
