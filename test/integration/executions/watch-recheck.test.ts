/**
 * Issue 9, defect 9: an open WatchExecution re-checks its key and its access every
 * STREAM_RECHECK_MS (short here) and ends with UNAUTHENTICATED once the key is revoked, with
 * NOT_FOUND once can_view is revoked, while the run itself goes on.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { Code } from "@connectrpc/connect";
import { ApiKeyService } from "../../../src/gen/waddlebot/workflow/v1/api_key_service_pb.js";
import type { ExecutionEvent } from "../../../src/gen/waddlebot/workflow/v1/execution_pb.js";
import { Permission } from "../../../src/gen/waddlebot/workflow/v1/permission_service_pb.js";
import { modalWorkflow } from "../../support/workflow-fixtures.js";
import { within } from "../server/service-process.js";
import {
  type ClientKind,
  communityA,
  type ExecEnv,
  ExecutionStatus,
  rpcErrorOf,
  startExecEnv,
  TargetType,
  waitForExecution,
} from "./exec-support.js";

const recheckMs = 100;
const communityId = BigInt(communityA);

describe("open streams re-check their key and access", () => {
  let env: ExecEnv;
  let workflowId: string;

  before(async () => {
    env = await startExecEnv({ STREAM_RECHECK_MS: String(recheckMs) });
    workflowId = await env.publish(modalWorkflow({ communityId: communityA, name: "Watched" }));
  });
  after(() => env.close());

  /** A run that stays running, watched by `apiKey` over `kind`, past its snapshot. */
  async function openWatch(kind: ClientKind, apiKey: string) {
    const owner = env.api("grpc-js");
    const run = await owner.execute({ workflowId, communityId, variables: { mode: "slow" } });
    await waitForExecution(owner, run.executionId, (e) => e.status === ExecutionStatus.RUNNING);
    const stream = env.api(kind, apiKey).watch({ executionId: run.executionId });
    const iterator = stream[Symbol.asyncIterator]();
    const first = await within(iterator.next(), 20_000, "the snapshot");
    assert.equal(first.value?.event.case, "snapshot");
    // Everything the stream still does until it ends: events, then its end or error.
    const rest = (async () => {
      const events: ExecutionEvent[] = [];
      for (;;) {
        const next = await iterator.next();
        if (next.done) return { events, error: null };
        events.push(next.value);
      }
    })().catch((error: unknown) => ({ events: [] as ExecutionEvent[], error }));
    return { executionId: run.executionId, rest };
  }

  async function expectEnd(
    ended: Promise<{ events: ExecutionEvent[]; error: unknown }>,
    code: Code,
    reason: string,
    what: string,
  ) {
    // The bound guards against a hang only: without the re-check the run (2 minutes) would
    // keep the stream open past it.
    const { error } = await within(ended, 30_000, what);
    assert.ok(error !== null, `${what}: the stream ended without an error`);
    const got = rpcErrorOf(error);
    assert.equal(got.code, code, `${what}: ${got.message}`);
    assert.equal(got.reason, reason, what);
  }

  for (const kind of ["grpc-js", "connect-h2", "grpc-web"] as const) {
    it(`a revoked key ends the watch with UNAUTHENTICATED (${kind})`, async () => {
      const admin = env.svc.connect(ApiKeyService, "connect-h1", env.svc.adminKey);
      const created = await admin.createApiKey({
        name: `watcher ${kind}`,
        principal: { userId: `watcher-${kind}`, communityIds: [communityId] },
      });
      await env.grant(workflowId, { type: TargetType.USER, id: `watcher-${kind}` }, [
        Permission.CAN_VIEW,
      ]);
      const { executionId, rest } = await openWatch(kind, created.secret);
      await admin.revokeApiKey({ keyId: created.apiKey?.keyId ?? "" });
      await expectEnd(rest, Code.Unauthenticated, "UNAUTHORIZED", `revoked key over ${kind}`);
      const run = await env.api("grpc-js").get({ executionId, omitNodeRuns: true });
      assert.equal(run.status, ExecutionStatus.RUNNING, "the run itself goes on");
      await env.api("grpc-js").cancel({ executionId });
    });

    it(`a revoked can_view ends the watch with NOT_FOUND (${kind})`, async () => {
      const userId = `viewer-${kind}`;
      const key = await env.keyFor({ userId, communityIds: [communityA] });
      await env.grant(workflowId, { type: TargetType.USER, id: userId }, [Permission.CAN_VIEW]);
      const { executionId, rest } = await openWatch(kind, key);
      await env.permissions().revokePermission({
        workflowId,
        targetType: TargetType.USER,
        targetId: userId,
        permissions: [Permission.CAN_VIEW],
      });
      await expectEnd(rest, Code.NotFound, "NOT_FOUND", `revoked can_view over ${kind}`);
      await env.api("grpc-js").cancel({ executionId });
    });
  }

  it("a watch whose key and grant stay valid runs to the end", async () => {
    const key = await env.keyFor({ userId: "steady", communityIds: [communityA] });
    await env.grant(workflowId, { type: TargetType.USER, id: "steady" }, [Permission.CAN_VIEW]);
    const { executionId, rest } = await openWatch("grpc-js", key);
    // Several re-checks pass before the run is cancelled by its owner.
    await new Promise((resolve) => setTimeout(resolve, recheckMs * 5));
    await env.api("grpc-js").cancel({ executionId });
    const { events, error } = await within(rest, 30_000, "the steady watch");
    assert.equal(error, null);
    const last = events.at(-1)?.event;
    assert.equal(last?.case, "statusChange");
    assert.equal(last?.value.status, ExecutionStatus.CANCELLED);
  });
});
