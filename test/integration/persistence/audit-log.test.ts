import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import type { AuditEvent } from "../../../src/ports/audit-log.js";
import { at, openTestPersistence, type TestPersistence } from "./fixtures.js";

describe("AuditLog", () => {
  let db: TestPersistence;

  before(async () => {
    db = await openTestPersistence();
  });
  after(() => db.close());

  const event = (overrides: Partial<AuditEvent>): AuditEvent => ({
    eventType: "AUDIT",
    action: "update_workflow",
    result: "SUCCESS",
    userId: "user-1",
    communityId: 10,
    workflowId: "wf-1",
    executionId: null,
    details: { key_id: "key-1", fields: ["name"], nested: { n: 1 } },
    at: at(0),
    ...overrides,
  });

  test("recorded events are read back newest first, filtered and limited", async () => {
    const created = event({ action: "create_workflow", at: at(0) });
    const denied = event({
      eventType: "AUTHZ",
      action: "execute_workflow",
      result: "DENIED",
      userId: "mallory",
      at: at(10),
    });
    const executed = event({
      action: "execute_workflow",
      executionId: "ex-1",
      at: at(10),
    });
    const system = event({
      eventType: "SYSTEM",
      action: "startup",
      userId: "system",
      communityId: null,
      workflowId: null,
      details: {},
      at: at(20),
    });
    for (const e of [created, denied, executed, system]) await db.persistence.auditLog.record(e);
    const reader = db.persistence.auditEvents;

    assert.deepEqual(await reader.list({}), [system, executed, denied, created]);
    assert.deepEqual(await reader.list({ workflowId: "wf-1" }), [executed, denied, created]);
    assert.deepEqual(await reader.list({ action: "execute_workflow", userId: "mallory" }), [
      denied,
    ]);
    assert.deepEqual(await reader.list({ eventType: "SYSTEM" }), [system]);
    assert.deepEqual(await reader.list({ executionId: "ex-1" }), [executed]);
    assert.deepEqual(await reader.list({ since: at(10), until: at(20) }), [executed, denied]);
    assert.deepEqual(await reader.list({ limit: 2 }), [system, executed]);
  });
});
