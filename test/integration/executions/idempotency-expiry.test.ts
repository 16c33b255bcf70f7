import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { timestampDate } from "@bufbuild/protobuf/wkt";
import type { TestDatabase } from "../../support/test-database.js";
import { quickWorkflow } from "../../support/workflow-fixtures.js";
import { withSqlConnection } from "../server/run-sql.js";
import {
  communityA,
  type ExecEnv,
  ExecutionStatus,
  rest,
  show,
  startExecEnv,
  waitForExecution,
} from "./exec-support.js";

const hourMs = 60 * 60 * 1000;

/**
 * Moves an execution's created_at `hours` into the past, in the test database through a
 * connection of its own. SQLite stores timestamps as epoch milliseconds, PostgreSQL as
 * timestamptz, so the arithmetic differs; the values are bound parameters on both.
 */
async function ageExecution(db: TestDatabase, executionId: string, hours: number): Promise<void> {
  const [sql, params] =
    db.dialect === "sqlite"
      ? [
          "update workflow_executions set created_at = created_at - ? where execution_id = ?",
          [hours * hourMs, executionId],
        ]
      : [
          "update workflow_executions set created_at = created_at - make_interval(hours => ?) where execution_id = ?",
          [hours, executionId],
        ];
  const result = await withSqlConnection(db, (execute) => execute(sql, params));
  const changed = (result as { affectedRows?: number; changes?: number }).affectedRows;
  assert.equal(changed, 1, `one execution aged (${show(result)})`);
}

describe("ExecuteWorkflow idempotency window (24 hours)", () => {
  let env: ExecEnv;

  before(async () => {
    env = await startExecEnv();
  });
  after(() => env.close());

  it(
    "a key older than 24 hours starts a new execution; the old one stays; the key then names the new one",
    { timeout: 60_000 },
    async () => {
      const workflowId = await env.publish(
        quickWorkflow({ communityId: communityA, name: "Idempotency window" }),
      );
      const api = env.api("grpc-js");
      const key = `expiring-${Date.now()}`;
      const request = { workflowId, communityId: BigInt(communityA), idempotencyKey: key };

      const first = await api.execute(request);
      const firstDone = await waitForExecution(api, first.executionId);
      assert.equal(firstDone.status, ExecutionStatus.COMPLETED);
      const firstCreatedAt = timestampDate(
        firstDone.createdAt ?? assert.fail("no created_at"),
      ).getTime();

      // 23 hours old: still inside the window, the same execution answers.
      await ageExecution(env.svc.db, first.executionId, 23);
      const inside = await api.execute(request);
      assert.equal(inside.executionId, first.executionId, "inside the window: the first execution");

      // 25 hours old: outside the window, a new execution starts.
      await ageExecution(env.svc.db, first.executionId, 2);
      const second = await api.execute(request);
      assert.notEqual(second.executionId, first.executionId, "outside the window: a new execution");
      assert.equal(second.workflowId, workflowId);
      assert.equal(second.status, ExecutionStatus.PENDING);
      const secondDone = await waitForExecution(api, second.executionId);
      assert.equal(secondDone.status, ExecutionStatus.COMPLETED);

      // The old execution still exists, unchanged apart from its age.
      const old = await api.get({ executionId: first.executionId });
      assert.equal(old.status, ExecutionStatus.COMPLETED);
      assert.equal(old.workflowId, workflowId);
      const oldCreatedAt = timestampDate(old.createdAt ?? assert.fail("no created_at")).getTime();
      assert.equal(firstCreatedAt - oldCreatedAt, 25 * hourMs, "created_at moved back 25 hours");

      // The key now names the new execution, over gRPC and over REST.
      const again = await env.api("connect-h1").execute(request);
      assert.equal(again.executionId, second.executionId);
      const viaRest = await rest(
        env.svc.url,
        env.ownerKey,
        "POST",
        `/api/v1/workflows/${workflowId}/execute`,
        { community_id: communityA, idempotency_key: key },
      );
      assert.ok([200, 202].includes(viaRest.status), show(viaRest.body));
      assert.equal(viaRest.body.data.execution_id, second.executionId);

      // Exactly two executions were stored, both visible in the history.
      const listed = await api.list({ workflowId, page: 1 });
      assert.deepEqual(
        listed.executions.map((e) => e.executionId).sort(),
        [first.executionId, second.executionId].sort(),
      );
    },
  );
});
