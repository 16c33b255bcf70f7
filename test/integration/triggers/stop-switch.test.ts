import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { Code } from "@connectrpc/connect";
import { ExecutionStatus } from "../../../src/gen/waddlebot/workflow/v1/execution_pb.js";
import { TriggerService } from "../../../src/gen/waddlebot/workflow/v1/trigger_service_pb.js";
import { expectRpcError, rest, waitForExecution } from "../executions/exec-support.js";
import {
  community,
  slowTrigger,
  startedId,
  startTriggerEnv,
  type TriggerEnv,
} from "./trigger-support.js";

describe("the community stop switch", () => {
  let env: TriggerEnv;
  before(async () => {
    env = await startTriggerEnv();
  });
  after(() => env.close());

  it("cancels the community's runs, refuses dispatch and ExecuteWorkflow, and is lifted again", async () => {
    const admin = env.svc.connect(TriggerService, "connect-h1", env.svc.adminKey);
    const id = await env.publish(slowTrigger({ command_pattern: "!long" }));
    const running = startedId(await env.dispatch({ message: "!long" }), id);
    const api = {
      get: (r: { executionId: string }) =>
        env.executions.getExecution(r).then((x) => x.execution as never),
    };
    await waitForExecution(api as never, running, (e) => e.status === ExecutionStatus.RUNNING);

    await expectRpcError(
      env.triggers().stopCommunity({ communityId: BigInt(community), reason: "raid" }),
      Code.PermissionDenied,
      "PERMISSION_DENIED",
    );

    const stopped = await admin.stopCommunity({
      communityId: BigInt(community),
      reason: "spam raid",
    });
    assert.deepEqual(stopped.cancelledExecutionIds, [running]);
    assert.equal(stopped.stop?.reason, "spam raid");
    const ended = await waitForExecution(api as never, running);
    assert.equal(ended.status, ExecutionStatus.CANCELLED);

    const refused = await expectRpcError(
      env.dispatch({ message: "!long" }),
      Code.FailedPrecondition,
      "COMMUNITY_STOPPED",
    );
    assert.match(refused.message, /spam raid/);
    await expectRpcError(
      env.executions.executeWorkflow({ workflowId: id, communityId: BigInt(community) }),
      Code.FailedPrecondition,
      "COMMUNITY_STOPPED",
    );
    const restStop = await rest(
      env.svc.url,
      env.svc.adminKey,
      "GET",
      `/api/v1/communities/${community}/stop`,
    );
    assert.equal(restStop.status, 200);
    assert.equal(restStop.body.data.stopped, true);
    assert.equal(restStop.body.data.stop.reason, "spam raid");

    await admin.resumeCommunity({ communityId: BigInt(community) });
    assert.equal(
      (await admin.getCommunityStop({ communityId: BigInt(community) })).stop,
      undefined,
    );
    await expectRpcError(
      admin.resumeCommunity({ communityId: BigInt(community) }),
      Code.FailedPrecondition,
      "FAILED_PRECONDITION",
    );
    const next = startedId(await env.dispatch({ message: "!long" }), id);
    await env.executions.cancelExecution({ executionId: next });

    const audited = env.svc.logs.find(
      (l) => l.action === "stop_community" || l.action === "resume_community",
    );
    assert.deepEqual(
      audited.map((l) => `${l.action}:${l.result}`),
      ["stop_community:DENIED", "stop_community:SUCCESS", "resume_community:SUCCESS"],
    );
  });
});
