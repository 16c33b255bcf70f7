import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { DomainError } from "../../../src/domain/errors.js";
import type { PermissionGrant } from "../../../src/domain/permissions/permission.js";
import type { Workflow } from "../../../src/domain/workflow/workflow.js";
import type { PermissionRepository } from "../../../src/ports/permission-repository.js";
import { at, aWorkflow, openTestPersistence, type TestPersistence, versionOf } from "./fixtures.js";

describe("PermissionRepository", () => {
  let db: TestPersistence;
  let permissions: PermissionRepository;
  let workflow: Workflow;

  before(async () => {
    db = await openTestPersistence();
    permissions = db.persistence.permissions;
    workflow = aWorkflow();
    await db.persistence.workflows.create(workflow, versionOf(workflow));
  });
  after(() => db.close());

  const grant = (overrides: Partial<PermissionGrant>): PermissionGrant => ({
    workflowId: workflow.workflowId,
    targetType: "user",
    targetId: "bob",
    flags: ["can_view"],
    grantedBy: "owner-1",
    grantedAt: at(0),
    ...overrides,
  });

  test("put, get, list and delete grants, one per target", async () => {
    const bob = grant({ flags: ["can_view", "can_execute"] });
    const mods = grant({ targetType: "role", targetId: "mods", flags: ["can_edit"] });
    const community = grant({
      targetType: "community",
      targetId: String(workflow.communityId),
      flags: ["can_view", "can_edit", "can_execute", "can_delete", "can_manage_permissions"],
    });
    const nothing = grant({ targetId: "carol", flags: [] });
    for (const g of [bob, mods, community, nothing]) await permissions.put(g);

    assert.deepEqual(await permissions.get(workflow.workflowId, "user", "bob"), bob);
    assert.deepEqual(await permissions.get(workflow.workflowId, "role", "bob"), null);
    assert.deepEqual(await permissions.list(workflow.workflowId), [community, mods, bob, nothing]);

    await permissions.delete(workflow.workflowId, "role", "mods");
    await permissions.delete(workflow.workflowId, "role", "never-granted");
    assert.deepEqual(await permissions.list(workflow.workflowId), [community, bob, nothing]);
    assert.deepEqual(await permissions.list("no-such-workflow"), []);
  });

  test("put replaces the flags of an existing grant", async () => {
    await permissions.put(grant({ targetId: "dave", flags: ["can_view", "can_delete"] }));
    const replaced = grant({
      targetId: "dave",
      flags: ["can_edit"],
      grantedBy: "admin",
      grantedAt: at(77),
    });
    await permissions.put(replaced);
    assert.deepEqual(await permissions.get(workflow.workflowId, "user", "dave"), replaced);
  });

  test("a grant on an unknown workflow is WORKFLOW_NOT_FOUND", async () => {
    await assert.rejects(permissions.put(grant({ workflowId: "no-such-workflow" })), (error) => {
      assert.ok(DomainError.is(error));
      assert.equal(error.reason, "WORKFLOW_NOT_FOUND");
      return true;
    });
  });
});
