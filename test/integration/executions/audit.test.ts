import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { Code } from "@connectrpc/connect";
import { openPersistence } from "../../../src/adapters/persistence/open-persistence.js";
import type { AuditEvent } from "../../../src/ports/audit-log.js";
import { delayedWorkflow } from "../../support/workflow-fixtures.js";
import {
  communityA,
  type ExecEnv,
  expectRpcError,
  ownerUserId,
  startExecEnv,
  waitForExecution,
} from "./exec-support.js";

describe("execute, cancel and test are audited", () => {
  let env: ExecEnv;
  let workflowId: string;
  let cancelledId: string;
  let testId: string;
  let events: AuditEvent[];
  const stranger = "audit-stranger";

  before(async () => {
    env = await startExecEnv();
    workflowId = await env.publish(
      delayedWorkflow({ communityId: communityA, delayMs: 120_000, hookBaseUrl: env.hooks.url }),
    );
    const api = env.api("grpc-js");
    const run = await api.execute({
      workflowId,
      communityId: BigInt(communityA),
      trigger: { triggerSource: "audit-test" },
    });
    cancelledId = run.executionId;
    await env.hooks.waitFor((r) => r.path === `/before/${cancelledId}`);
    await api.cancel({ executionId: cancelledId, reason: "audit reason" });
    await expectRpcError(
      api.cancel({ executionId: cancelledId }),
      Code.FailedPrecondition,
      "FAILED_PRECONDITION",
    );
    testId = (await api.test({ workflowId, communityId: BigInt(communityA) })).executionId;
    const strangerKey = await env.keyFor({ userId: stranger, communityIds: [communityA] });
    await expectRpcError(
      env.api("connect-h1", strangerKey).execute({ workflowId, communityId: BigInt(communityA) }),
      Code.NotFound,
      "WORKFLOW_NOT_FOUND",
    );
    await waitForExecution(api, cancelledId);

    // Read the persisted trail once the service has stopped (the database stays).
    await env.svc.stop();
    const persistence = await openPersistence({
      databaseUrl: env.svc.db.databaseUrl,
      sqlitePath: env.svc.db.sqlitePath,
      migrate: false,
    });
    try {
      events = await persistence.auditEvents.list({ workflowId, limit: 1000 });
    } finally {
      await persistence.close();
    }
  });
  after(() => env.close());

  const find = (action: string, result: string) =>
    events.filter((e) => e.action === action && e.result === result);

  it("stores execute, cancel and test with who, where and what", () => {
    const [executed] = find("execute_workflow", "SUCCESS");
    assert.ok(executed, JSON.stringify(events.map((e) => `${e.action}:${e.result}`)));
    assert.equal(executed.eventType, "AUDIT");
    assert.equal(executed.userId, ownerUserId);
    assert.equal(executed.communityId, communityA);
    assert.equal(executed.executionId, cancelledId);
    assert.equal(executed.details.trigger_source, "audit-test");

    const [cancelled] = find("cancel_execution", "SUCCESS");
    assert.ok(cancelled);
    assert.equal(cancelled.userId, ownerUserId);
    assert.equal(cancelled.executionId, cancelledId);
    assert.equal(cancelled.details.reason, "audit reason");

    const [refused] = find("cancel_execution", "FAILURE");
    assert.ok(refused, "cancelling a finished run is audited as a failure");
    assert.equal(refused.executionId, cancelledId);

    const [tested] = find("test_workflow", "SUCCESS");
    assert.ok(tested);
    assert.equal(tested.userId, ownerUserId);
    assert.equal(tested.executionId, testId);

    const [denied] = find("execute_workflow", "DENIED");
    assert.ok(denied);
    assert.equal(denied.eventType, "AUTHZ");
    assert.equal(denied.userId, stranger);
  });

  it("writes the same events to the service log", () => {
    const lines = env.svc.logs.find((l) => l.workflow_id === workflowId);
    const has = (action: string, result: string, user: string) =>
      lines.some((l) => l.action === action && l.result === result && l.user === user);
    assert.ok(has("execute_workflow", "SUCCESS", ownerUserId));
    assert.ok(has("cancel_execution", "SUCCESS", ownerUserId));
    assert.ok(has("cancel_execution", "FAILURE", ownerUserId));
    assert.ok(has("test_workflow", "SUCCESS", ownerUserId));
    assert.ok(has("execute_workflow", "DENIED", stranger));
    const finished = lines.find(
      (l) => l.action === "execution_finished" && l.execution_id === cancelledId,
    );
    assert.equal(finished?.status, "cancelled");
  });
});
