import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { Code } from "@connectrpc/connect";
import { Permission } from "../../../src/gen/waddlebot/workflow/v1/permission_service_pb.js";
import { modalWorkflow } from "../../support/workflow-fixtures.js";
import { within } from "../server/service-process.js";
import {
  allClientKinds,
  type ClientKind,
  collect,
  communityA,
  communityB,
  type ExecEnv,
  ExecutionStatus,
  expectRpcError,
  rest,
  startExecEnv,
  TargetType,
  waitForExecution,
} from "./exec-support.js";

type Outcome = "ok" | "not_found" | "denied";
type Rpc = "execute" | "test" | "list" | "get" | "watch" | "cancel";
const rpcs: readonly Rpc[] = ["execute", "test", "list", "get", "watch", "cancel"];

const all = (outcome: Outcome): Record<Rpc, Outcome> =>
  Object.fromEntries(rpcs.map((rpc) => [rpc, outcome])) as Record<Rpc, Outcome>;
const viewOnly: Record<Rpc, Outcome> = {
  execute: "denied",
  test: "denied",
  cancel: "denied",
  list: "ok",
  get: "ok",
  watch: "ok",
};
const executeOnly: Record<Rpc, Outcome> = {
  execute: "ok",
  test: "ok",
  cancel: "ok",
  list: "not_found",
  get: "not_found",
  watch: "not_found",
};

/** A published workflow with a finished run and a run that stays running until the end. */
interface Target {
  workflowId: string;
  finishedId: string;
  runningId: string;
}

describe("execution RPC permissions", () => {
  let env: ExecEnv;

  before(async () => {
    env = await startExecEnv();
  });
  after(() => env.close());

  async function target(name: string): Promise<Target> {
    const workflowId = await env.publish(modalWorkflow({ communityId: communityA, name }));
    const owner = env.api("grpc-js");
    const finished = await owner.execute({ workflowId, communityId: BigInt(communityA) });
    await waitForExecution(owner, finished.executionId);
    const running = await owner.execute({
      workflowId,
      communityId: BigInt(communityA),
      variables: { mode: "slow" },
    });
    await waitForExecution(owner, running.executionId, (e) => e.status === ExecutionStatus.RUNNING);
    return { workflowId, finishedId: finished.executionId, runningId: running.executionId };
  }

  /** Calls every RPC as `apiKey` over `kind` and checks each outcome. */
  async function expectAccess(
    t: Target,
    apiKey: string,
    kind: ClientKind,
    expected: Record<Rpc, Outcome>,
    who: string,
  ): Promise<void> {
    const api = env.api(kind, apiKey);
    const communityId = BigInt(communityA);
    const calls: Record<Rpc, () => Promise<unknown>> = {
      execute: () => api.execute({ workflowId: t.workflowId, communityId }),
      test: () => api.test({ workflowId: t.workflowId, communityId }),
      list: () => api.list({ workflowId: t.workflowId, communityId, page: 1 }),
      get: () => api.get({ executionId: t.finishedId }),
      watch: () => within(collect(api.watch({ executionId: t.finishedId })), 20_000, "watch"),
      // Cancelling needs a live run; a denied or hidden one must not stop the shared one.
      cancel: async () => {
        if (expected.cancel !== "ok") return api.cancel({ executionId: t.runningId });
        const owner = env.api("grpc-js");
        const own = await owner.execute({
          workflowId: t.workflowId,
          communityId,
          variables: { mode: "slow" },
        });
        await waitForExecution(owner, own.executionId, (e) => e.status === ExecutionStatus.RUNNING);
        return api.cancel({ executionId: own.executionId });
      },
    };
    // Every RPC is checked before failing, so one wrong answer does not hide another.
    const wrong: string[] = [];
    for (const rpc of rpcs) {
      const what = `${who} ${rpc} over ${kind}`;
      const outcome = expected[rpc];
      try {
        if (outcome === "ok") {
          await calls[rpc]().catch((error: unknown) => assert.fail(`${what}: ${String(error)}`));
        } else if (outcome === "denied") {
          await expectRpcError(calls[rpc], Code.PermissionDenied, "PERMISSION_DENIED", what);
        } else {
          const reason = ["get", "watch", "cancel"].includes(rpc)
            ? "NOT_FOUND"
            : "WORKFLOW_NOT_FOUND";
          await expectRpcError(calls[rpc], Code.NotFound, reason, what);
        }
      } catch (error) {
        wrong.push(error instanceof Error ? (error.message.split("\n")[0] ?? "") : String(error));
      }
    }
    assert.deepEqual(wrong, [], `${who} over ${kind}`);
    const running = await env
      .api("connect-h1")
      .get({ executionId: t.runningId, omitNodeRuns: true });
    assert.equal(running.status, ExecutionStatus.RUNNING, `${who}: the shared run still runs`);
  }

  it("without a grant: NOT_FOUND on every RPC, on every client", { timeout: 120_000 }, async () => {
    const t = await target("No grants");
    const stranger = await env.keyFor({ userId: "stranger", communityIds: [communityA] });
    for (const kind of allClientKinds)
      await expectAccess(t, stranger, kind, all("not_found"), "stranger");
  });

  it(
    "can_view alone: Get, List and Watch work; Execute, Cancel and Test are PERMISSION_DENIED",
    {
      timeout: 120_000,
    },
    async () => {
      const t = await target("Viewer");
      const viewer = await env.keyFor({ userId: "viewer", communityIds: [communityA] });
      await env.grant(t.workflowId, { type: TargetType.USER, id: "viewer" }, [Permission.CAN_VIEW]);
      for (const kind of allClientKinds) await expectAccess(t, viewer, kind, viewOnly, "viewer");
    },
  );

  it(
    "can_execute alone: Execute, Cancel and Test work; it does not grant viewing",
    {
      timeout: 120_000,
    },
    async () => {
      const t = await target("Executor");
      const executor = await env.keyFor({ userId: "executor", communityIds: [communityA] });
      await env.grant(t.workflowId, { type: TargetType.USER, id: "executor" }, [
        Permission.CAN_EXECUTE,
      ]);
      for (const kind of allClientKinds)
        await expectAccess(t, executor, kind, executeOnly, "executor");
    },
  );

  it("can_view + can_execute: every RPC works", { timeout: 120_000 }, async () => {
    const t = await target("Both");
    const both = await env.keyFor({ userId: "both", communityIds: [communityA] });
    await env.grant(t.workflowId, { type: TargetType.USER, id: "both" }, [
      Permission.CAN_VIEW,
      Permission.CAN_EXECUTE,
    ]);
    for (const kind of allClientKinds) await expectAccess(t, both, kind, all("ok"), "both");
  });

  it(
    "can_edit, can_delete or can_manage_permissions grant nothing here",
    { timeout: 120_000 },
    async () => {
      const t = await target("Other flags");
      for (const [userId, flag] of [
        ["editor", Permission.CAN_EDIT],
        ["deleter", Permission.CAN_DELETE],
        ["manager", Permission.CAN_MANAGE_PERMISSIONS],
      ] as const) {
        const key = await env.keyFor({ userId, communityIds: [communityA] });
        await env.grant(t.workflowId, { type: TargetType.USER, id: userId }, [flag]);
        for (const kind of ["grpc-js", "connect-h1", "grpc-web"] as const) {
          await expectAccess(t, key, kind, all("not_found"), userId);
        }
      }
    },
  );

  it("a role grant applies to principals with that role only", { timeout: 120_000 }, async () => {
    const t = await target("Role");
    await env.grant(t.workflowId, { type: TargetType.ROLE, id: "moderator" }, [
      Permission.CAN_VIEW,
    ]);
    const mod = await env.keyFor({
      userId: "mod-1",
      roles: ["moderator"],
      communityIds: [communityA],
    });
    const vip = await env.keyFor({ userId: "vip-1", roles: ["vip"], communityIds: [communityA] });
    for (const kind of allClientKinds) {
      await expectAccess(t, mod, kind, viewOnly, "moderator");
      await expectAccess(t, vip, kind, all("not_found"), "vip");
    }
  });

  it(
    "a community grant applies to members of that community only",
    { timeout: 120_000 },
    async () => {
      const t = await target("Community");
      await env.grant(t.workflowId, { type: TargetType.COMMUNITY, id: String(communityA) }, [
        Permission.CAN_VIEW,
        Permission.CAN_EXECUTE,
      ]);
      const member = await env.keyFor({ userId: "member-a", communityIds: [communityA] });
      const outsider = await env.keyFor({ userId: "member-b", communityIds: [communityB] });
      for (const kind of allClientKinds) {
        await expectAccess(t, member, kind, all("ok"), "member of A");
        await expectAccess(t, outsider, kind, all("not_found"), "member of B");
      }
    },
  );

  it(
    "a grant to another community opens nothing, even to its members",
    { timeout: 120_000 },
    async () => {
      const t = await target("Foreign community grant");
      await env.grant(t.workflowId, { type: TargetType.COMMUNITY, id: String(communityB) }, [
        Permission.CAN_VIEW,
        Permission.CAN_EXECUTE,
      ]);
      const outsider = await env.keyFor({ userId: "member-b2", communityIds: [communityB] });
      for (const kind of allClientKinds) {
        await expectAccess(t, outsider, kind, all("not_found"), "member of B with a B grant");
      }
    },
  );

  it(
    "cross-community: another community's owner sees nothing; the owner cannot reach through the wrong community",
    {
      timeout: 120_000,
    },
    async () => {
      const t = await target("Cross community");
      const ownerB = await env.keyFor({ userId: "owner-b", communityIds: [communityB] });
      const theirs = await env.publish(
        modalWorkflow({ communityId: communityB, name: "B's" }),
        ownerB,
      );
      const theirRun = await env.api("grpc-js", ownerB).execute({
        workflowId: theirs,
        communityId: BigInt(communityB),
      });
      await waitForExecution(env.api("grpc-js", ownerB), theirRun.executionId);

      for (const kind of allClientKinds) {
        await expectAccess(t, ownerB, kind, all("not_found"), "owner of B");
        const owner = env.api(kind);
        const wrong = BigInt(communityB);
        await expectRpcError(
          owner.execute({ workflowId: t.workflowId, communityId: wrong }),
          Code.NotFound,
          "WORKFLOW_NOT_FOUND",
          `${kind} execute in B`,
        );
        await expectRpcError(
          owner.test({ workflowId: t.workflowId, communityId: wrong }),
          Code.NotFound,
          "WORKFLOW_NOT_FOUND",
          `${kind} test in B`,
        );
        await expectRpcError(
          owner.list({ workflowId: t.workflowId, communityId: wrong, page: 1 }),
          Code.NotFound,
          "WORKFLOW_NOT_FOUND",
          `${kind} list in B`,
        );
        // The owner of A has no rights on B's workflow and its runs.
        await expectRpcError(
          owner.get({ executionId: theirRun.executionId }),
          Code.NotFound,
          "NOT_FOUND",
          `${kind} get B's run`,
        );
        await expectRpcError(
          collect(owner.watch({ executionId: theirRun.executionId })),
          Code.NotFound,
          "NOT_FOUND",
          `${kind} watch B's run`,
        );
        await expectRpcError(
          owner.cancel({ executionId: theirRun.executionId }),
          Code.NotFound,
          "NOT_FOUND",
          `${kind} cancel B's run`,
        );
        await expectRpcError(
          owner.execute({ workflowId: theirs, communityId: BigInt(communityB) }),
          Code.NotFound,
          "WORKFLOW_NOT_FOUND",
          `${kind} execute B's workflow`,
        );
      }
    },
  );

  it("REST gives the same answers: 404 without view, 403 with view only", async () => {
    const t = await target("REST access");
    const stranger = await env.keyFor({ userId: "rest-stranger", communityIds: [communityA] });
    const viewer = await env.keyFor({ userId: "rest-viewer", communityIds: [communityA] });
    await env.grant(t.workflowId, { type: TargetType.USER, id: "rest-viewer" }, [
      Permission.CAN_VIEW,
    ]);
    const base = env.svc.url;
    const calls = [
      ["POST", `/api/v1/workflows/${t.workflowId}/execute`, { community_id: communityA }],
      ["POST", `/api/v1/workflows/${t.workflowId}/test`, { community_id: communityA }],
      ["POST", `/api/v1/workflows/executions/${t.runningId}/cancel`, {}],
      ["GET", `/api/v1/workflows/${t.workflowId}/executions`, undefined],
      ["GET", `/api/v1/workflows/executions/${t.finishedId}`, undefined],
    ] as const;
    for (const [method, path, body] of calls) {
      const hidden = await rest(base, stranger, method, path, body);
      assert.equal(hidden.status, 404, `stranger ${method} ${path}`);
      const asViewer = await rest(base, viewer, method, path, body);
      assert.equal(asViewer.status, method === "GET" ? 200 : 403, `viewer ${method} ${path}`);
    }
  });
});
