/**
 * Issue 9, defect 8: asking for an object that exists but is invisible runs the same
 * statements as asking for one that does not exist (timing: bench/access-timing). Every SQL
 * statement the repositories send is recorded (OpenPersistenceOptions.onStatement) while the
 * real access rules run on a real database.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { SystemClock } from "../../../src/adapters/system/system-clock.js";
import { Disclosure } from "../../../src/application/access/disclosure.js";
import { ObjectAccess } from "../../../src/application/access/object-access.js";
import { ExecutionAccess } from "../../../src/application/executions/execution-access.js";
import { Auditor } from "../../../src/application/shared/audit.js";
import { WorkflowAccess } from "../../../src/application/workflows/workflow-access.js";
import { DomainError } from "../../../src/domain/errors.js";
import type { Principal } from "../../../src/domain/permissions/principal.js";
import {
  aNodeRun,
  anExecution,
  aPrincipal,
  aWorkflow,
  openTestPersistence,
  type TestPersistence,
  t0,
  uniqueId,
  versionOf,
  withAudit,
} from "./fixtures.js";

describe("access paths: a missing and an invisible object run the same statements", () => {
  let test: TestPersistence;
  let recording: string[] | null = null;
  let workflows: WorkflowAccess;
  let executions: ExecutionAccess;
  const stranger: Principal = aPrincipal({
    userId: "stranger",
    roles: ["moderator", "vip"],
    communityIds: [10, 11],
  });
  const workflow = aWorkflow({ ownerUserId: "owner" });
  const execution = anExecution(workflow);

  before(async () => {
    test = await openTestPersistence({
      onStatement: (sql) => {
        recording?.push(sql);
      },
    });
    const { persistence } = test;
    await persistence.workflows.create(workflow, versionOf(workflow));
    await persistence.executions.insert(...withAudit(execution));
    await persistence.executions.appendNodeRuns(execution.executionId, [aNodeRun(1)], null);
    // Grants to others, and one to the stranger's community of another workflow's community.
    for (const [targetType, targetId] of [
      ["user", "someone-else"],
      ["role", "admins"],
      ["community", "99"],
    ] as const) {
      await persistence.permissions.put({
        workflowId: workflow.workflowId,
        targetType,
        targetId,
        flags: ["can_view", "can_execute"],
        grantedBy: "owner",
        grantedAt: t0,
      });
    }
    const auditor = new Auditor(persistence.auditLog, new SystemClock());
    const objects = new ObjectAccess(persistence.access, auditor);
    workflows = new WorkflowAccess(persistence.workflows, objects);
    executions = new ExecutionAccess(persistence.executions, objects);
  });
  after(() => test.close());

  /** The statements `call` sends, and the error it fails with. */
  async function statementsOf(call: () => Promise<unknown>) {
    recording = [];
    const error = await call().then(
      () => assert.fail("expected a refusal"),
      (e: unknown) => e,
    );
    const sent = recording;
    recording = null;
    assert.ok(DomainError.is(error), String(error));
    return { sent, error };
  }

  it("workflows: one access statement and one audit insert on both paths", async () => {
    for (const flag of ["can_view", "can_edit", "can_execute", "can_manage_permissions"] as const) {
      const invisible = await statementsOf(() =>
        workflows.require(stranger, workflow.workflowId, flag, "probe"),
      );
      const missing = await statementsOf(() =>
        workflows.require(stranger, uniqueId("wf"), flag, "probe"),
      );
      assert.deepEqual(invisible.sent, missing.sent, flag);
      assert.equal(invisible.sent.length, 2, invisible.sent.join("\n"));
      assert.match(invisible.sent[1] ?? "", /insert into "audit_events"/);
      for (const { error } of [invisible, missing]) {
        assert.ok(DomainError.is(error));
        assert.equal(error.reason, "WORKFLOW_NOT_FOUND");
      }
    }
  });

  it("executions: the same, even when node runs and logs would be read", async () => {
    const invisible = await statementsOf(() =>
      executions.require(stranger, execution.executionId, "can_view", "probe", {
        nodeRuns: true,
        logs: true,
      }),
    );
    const missing = await statementsOf(() =>
      executions.require(stranger, uniqueId("ex"), "can_view", "probe", {
        nodeRuns: true,
        logs: true,
      }),
    );
    assert.deepEqual(invisible.sent, missing.sent);
    assert.equal(invisible.sent.length, 2, invisible.sent.join("\n"));
    for (const { error } of [invisible, missing]) {
      assert.ok(DomainError.is(error));
      assert.equal(error.kind, "not_found");
      assert.equal(error.reason, "NOT_FOUND");
    }
  });

  it("both refusals are audited; a granted caller reads the object after the decision", async () => {
    const events = await test.persistence.auditEvents.list({ action: "probe", limit: 1000 });
    const reasons = new Set(events.map((event) => event.details.reason));
    assert.deepEqual([...reasons].sort(), ["not_found", "not_visible"]);
    assert.ok(events.every((event) => event.eventType === "AUTHZ" && event.result === "DENIED"));

    const member: Principal = aPrincipal({ userId: "someone-else" });
    recording = [];
    const permit = await workflows.require(member, workflow.workflowId, "can_view", "read");
    const sent = recording;
    recording = null;
    assert.equal(permit.workflow.workflowId, workflow.workflowId);
    assert.equal(permit.show, Disclosure.toViewer);
    assert.equal(sent.length, 2, "the decision, then the workflow");
  });
});
