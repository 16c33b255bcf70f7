import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { timestampDate } from "@bufbuild/protobuf/wkt";
import { Code } from "@connectrpc/connect";
import { Permission } from "../../../src/gen/waddlebot/workflow/v1/permission_service_pb.js";
import {
  type Workflow,
  WorkflowStatus,
} from "../../../src/gen/waddlebot/workflow/v1/workflow_pb.js";
import { edge, node, quickWorkflow, type WorkflowSpec } from "../../support/workflow-fixtures.js";
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
} from "../executions/exec-support.js";

const communityB = 202;
const communityC = 303;

/**
 * trigger → delay (variable `wait`, 0 by default) → filter over variable `items` → end. Without
 * `items` the filter fails the run; a long `wait` keeps it running until it is cancelled.
 */
function countedWorkflow(communityId: number, name: string): WorkflowSpec {
  return {
    name,
    communityId,
    nodes: [
      node("start", "trigger_command", { command_pattern: "!count", platforms: ["twitch"] }),
      node("wait", "action_delay", { delay_ms: 0, delay_variable: "wait" }),
      node("keep", "condition_filter", { input_array: "items", condition: "true" }),
      node("end", "flow_end"),
    ],
    edges: [
      edge("start", "output", "wait"),
      edge("wait", "success", "keep"),
      edge("keep", "output", "end"),
    ],
  };
}

// biome-ignore lint/suspicious/noExplicitAny: REST list items, checked field by field
type RestItem = any;

describe("ListWorkflows across communities, with execution statistics (gRPC and REST)", () => {
  let env: ExecEnv;
  let carolKey: string;
  let daveKey: string;
  const ids: Record<string, string> = {};

  before(async () => {
    env = await startExecEnv();
    // carol creates in B and C; dave (role "mods", member of A and C) is the viewer under test.
    carolKey = await env.keyFor({ userId: "carol", communityIds: [communityB, communityC] });
    daveKey = await env.keyFor({
      userId: "dave",
      roles: ["mods"],
      communityIds: [communityA, communityC],
    });
    const make = async (key: string, apiKey: string, communityId: number) => {
      ids[key] = await env.draft(quickWorkflow({ communityId, name: key }), apiKey);
      return ids[key];
    };
    const grant = async (
      owner: string,
      workflowId: string,
      type: TargetType,
      id: string,
      flags: Permission[],
    ) =>
      env.permissions(owner).grantPermission({
        workflowId,
        targetType: type,
        targetId: id,
        permissions: flags,
      });

    await make("A owned by owner-1", env.ownerKey, communityA);
    await grant(
      carolKey,
      await make("B granted to dave", carolKey, communityB),
      TargetType.USER,
      "dave",
      [Permission.CAN_VIEW],
    );
    await grant(
      carolKey,
      await make("B edit-only for dave", carolKey, communityB),
      TargetType.USER,
      "dave",
      [Permission.CAN_EDIT],
    );
    await grant(
      carolKey,
      await make("B granted to mods", carolKey, communityB),
      TargetType.ROLE,
      "mods",
      [Permission.CAN_VIEW],
    );
    await grant(
      carolKey,
      await make("B granted to community B", carolKey, communityB),
      TargetType.COMMUNITY,
      String(communityB),
      [Permission.CAN_VIEW],
    );
    // A community grant counts only when it names the workflow's own community.
    await grant(
      carolKey,
      await make("B grant names community A", carolKey, communityB),
      TargetType.COMMUNITY,
      String(communityA),
      [Permission.CAN_VIEW],
    );
    await grant(
      carolKey,
      await make("C granted to community C", carolKey, communityC),
      TargetType.COMMUNITY,
      String(communityC),
      [Permission.CAN_VIEW],
    );
    await make("C owned by dave", daveKey, communityC);
  });
  after(() => env.close());

  const allNames = [
    "A owned by owner-1",
    "B edit-only for dave",
    "B grant names community A",
    "B granted to community B",
    "B granted to dave",
    "B granted to mods",
    "C granted to community C",
    "C owned by dave",
  ];

  async function grpcNames(apiKey: string, communityId = 0n): Promise<string[]> {
    const listed = await env.workflows(apiKey).listWorkflows({ communityId, perPage: 100 });
    assert.equal(Number(listed.pagination?.total), listed.workflows.length);
    return listed.workflows.map((w) => w.metadata?.name ?? "").sort();
  }

  async function restNames(apiKey: string, query = ""): Promise<string[]> {
    const reply = await rest(env.svc.url, apiKey, "GET", `/api/v1/workflows?per_page=100${query}`);
    assert.equal(reply.status, 200, show(reply.body));
    assert.equal(reply.body.meta.pagination.total, reply.body.data.length);
    return reply.body.data.map((w: RestItem) => w.name).sort();
  }

  it("without community_id: admins see every workflow, others what they own or were granted can_view", async () => {
    assert.deepEqual(await grpcNames(env.svc.adminKey), allNames);
    assert.deepEqual(await restNames(env.svc.adminKey), allNames);

    const forDave = [
      "B granted to dave",
      "B granted to mods",
      "C granted to community C",
      "C owned by dave",
    ];
    assert.deepEqual(await grpcNames(daveKey), forDave);
    assert.deepEqual(await restNames(daveKey), forDave);

    const forCarol = allNames.filter((n) => n.startsWith("B ") || n === "C granted to community C");
    assert.deepEqual(await grpcNames(carolKey), forCarol);
    assert.deepEqual(await restNames(carolKey), forCarol);

    assert.deepEqual(await restNames(env.ownerKey), ["A owned by owner-1"]);
    const stranger = await env.keyFor({ userId: "stranger", communityIds: [communityB] });
    assert.deepEqual(await grpcNames(stranger), ["B granted to community B"]);
    const nobody = await env.keyFor({ userId: "nobody" });
    assert.deepEqual(await restNames(nobody), []);
  });

  it("community_id still narrows the list; filters and paging work across communities", async () => {
    assert.deepEqual(await grpcNames(daveKey, BigInt(communityC)), [
      "C granted to community C",
      "C owned by dave",
    ]);
    assert.deepEqual(await restNames(daveKey, `&community_id=${communityB}`), [
      "B granted to dave",
      "B granted to mods",
    ]);
    assert.deepEqual(await restNames(env.svc.adminKey, "&search=dave"), [
      "B edit-only for dave",
      "B granted to dave",
      "C owned by dave",
    ]);
    assert.deepEqual(await restNames(daveKey, "&status=published"), []);

    const page = await rest(env.svc.url, daveKey, "GET", "/api/v1/workflows?page=2&per_page=3");
    assert.equal(page.status, 200, show(page.body));
    assert.equal(page.body.data.length, 1);
    assert.deepEqual(page.body.meta.pagination, {
      page: 2,
      per_page: 3,
      total: 4,
      total_pages: 2,
      has_next: false,
      has_prev: true,
    });

    const bad = await rest(env.svc.url, daveKey, "GET", "/api/v1/workflows?community_id=0");
    assert.equal(bad.status, 400, show(bad.body));
    assert.equal(bad.body.error_code, "BAD_REQUEST");
    await expectRpcError(
      env.workflows(daveKey).listWorkflows({ communityId: -5n }),
      Code.InvalidArgument,
      "BAD_REQUEST",
      "negative community_id",
    );
  });

  it(
    "each listed workflow carries execution_count, success_count, failure_count, last_executed_at",
    {
      timeout: 60_000,
    },
    async () => {
      const counted = await env.publish(countedWorkflow(communityA, "Counted"));
      const idle = await env.publish(countedWorkflow(communityA, "Idle"));
      const other = await env.publish(countedWorkflow(communityA, "Other"));
      const api = env.api("connect-h1");
      const run = async (workflowId: string, variables: Record<string, unknown>) => {
        const started = await api.execute({
          workflowId,
          communityId: BigInt(communityA),
          variables: variables as never,
        });
        return started.executionId;
      };
      const finished = [
        await run(counted, { items: [1, 2] }),
        await run(counted, { items: [] }),
        await run(counted, {}),
        await run(other, { items: [3] }),
      ];
      const statuses = [];
      for (const executionId of finished) {
        statuses.push((await waitForExecution(api, executionId)).status);
      }
      assert.deepEqual(statuses, [
        ExecutionStatus.COMPLETED,
        ExecutionStatus.COMPLETED,
        ExecutionStatus.FAILED,
        ExecutionStatus.COMPLETED,
      ]);
      const slow = await run(counted, { wait: 120_000, items: [] });
      await waitForExecution(api, slow, (e) => e.status === ExecutionStatus.RUNNING);
      const cancelled = await api.cancel({ executionId: slow });
      assert.equal(cancelled.status, ExecutionStatus.CANCELLED);
      const newest = await api.get({ executionId: slow });
      const newestCreatedAt = timestampDate(newest.createdAt ?? assert.fail("no created_at"));
      const otherCreatedAt = timestampDate(
        (await api.get({ executionId: finished[3] as string })).createdAt ??
          assert.fail("no created_at"),
      );

      const reply = await rest(
        env.svc.url,
        env.ownerKey,
        "GET",
        `/api/v1/workflows?community_id=${communityA}&per_page=100`,
      );
      assert.equal(reply.status, 200, show(reply.body));
      const byId = new Map<string, RestItem>(
        reply.body.data.map((w: RestItem) => [w.workflow_id, w]),
      );
      const stats = (id: string) => {
        const item = byId.get(id) ?? assert.fail(`workflow ${id} is not listed`);
        return {
          execution_count: item.execution_count,
          success_count: item.success_count,
          failure_count: item.failure_count,
          last_executed_at: item.last_executed_at,
        };
      };
      // Cancelled (and pending or running) executions count only in execution_count.
      assert.deepEqual(stats(counted), {
        execution_count: 4,
        success_count: 2,
        failure_count: 1,
        last_executed_at: newestCreatedAt.toISOString(),
      });
      assert.deepEqual(stats(other), {
        execution_count: 1,
        success_count: 1,
        failure_count: 0,
        last_executed_at: otherCreatedAt.toISOString(),
      });
      assert.deepEqual(stats(idle), {
        execution_count: 0,
        success_count: 0,
        failure_count: 0,
        last_executed_at: null,
      });
      assert.deepEqual(stats(ids["A owned by owner-1"] as string), stats(idle));

      // The same numbers over gRPC, without community_id too.
      const listed = await env.workflows().listWorkflows({ perPage: 100 });
      const grpcStats = (id: string) => {
        const workflow: Workflow =
          listed.workflows.find((w) => w.workflowId === id) ?? assert.fail(`${id} not listed`);
        const s = workflow.executionStats ?? assert.fail("no execution_stats");
        return {
          execution_count: Number(s.executionCount),
          success_count: Number(s.successCount),
          failure_count: Number(s.failureCount),
          last_executed_at:
            s.lastExecutedAt === undefined ? null : timestampDate(s.lastExecutedAt).toISOString(),
        };
      };
      for (const id of [counted, other, idle]) assert.deepEqual(grpcStats(id), stats(id));
      // Only the list carries them.
      const single = await env.workflows().getWorkflow({ workflowId: counted });
      assert.equal(single.workflow?.executionStats, undefined);
      assert.equal(single.workflow?.metadata?.status, WorkflowStatus.PUBLISHED);
    },
  );
});
