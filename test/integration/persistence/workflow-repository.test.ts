import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { DomainError } from "../../../src/domain/errors.js";
import type { Workflow } from "../../../src/domain/workflow/workflow.js";
import type { WorkflowRepository } from "../../../src/ports/workflow-repository.js";
import {
  aPrincipal,
  at,
  aWorkflow,
  openTestPersistence,
  type TestPersistence,
  t0,
  uniqueId,
  versionOf,
} from "./fixtures.js";

function rejectsWith(kind: DomainError["kind"], reason: DomainError["reason"]) {
  return (error: unknown) => {
    assert.ok(DomainError.is(error), `expected a DomainError, got ${String(error)}`);
    assert.equal(error.kind, kind);
    assert.equal(error.reason, reason);
    return true;
  };
}

describe("WorkflowRepository", () => {
  let db: TestPersistence;
  let workflows: WorkflowRepository;

  before(async () => {
    db = await openTestPersistence();
    workflows = db.persistence.workflows;
  });
  after(() => db.close());

  test("create stores the workflow and its first version; get returns equal plain objects", async () => {
    const workflow = aWorkflow({ publishedVersion: null, publishedAt: null });
    await workflows.create(workflow, versionOf(workflow));

    const stored = await workflows.get(workflow.workflowId);
    assert.deepEqual(stored, workflow);
    assert.equal(stored?.createdAt.getTime(), workflow.createdAt.getTime());
    assert.deepEqual(await workflows.getVersion(workflow.workflowId, 1), versionOf(workflow));
    assert.equal(await workflows.getVersion(workflow.workflowId, 2), null);
    assert.equal(await workflows.get(uniqueId("missing")), null);
  });

  test("a second create with the same id is ALREADY_EXISTS", async () => {
    const workflow = aWorkflow();
    await workflows.create(workflow, versionOf(workflow));
    await assert.rejects(
      workflows.create(workflow, versionOf(workflow)),
      rejectsWith("already_exists", "ALREADY_EXISTS"),
    );
  });

  test("save with the expected version replaces the workflow and keeps every version", async () => {
    const v1 = aWorkflow();
    await workflows.create(v1, versionOf(v1));
    const v2: Workflow = {
      ...v1,
      name: "Greeter 2",
      tags: ["new"],
      version: 2,
      updatedAt: at(60_000),
      definition: { ...v1.definition, globalVariables: { greeting: "hello" } },
    };
    await workflows.save(v2, 1, versionOf(v2, "editor-1"));

    assert.deepEqual(await workflows.get(v1.workflowId), v2);
    assert.deepEqual(await workflows.getVersion(v1.workflowId, 1), versionOf(v1));
    assert.deepEqual(await workflows.getVersion(v1.workflowId, 2), versionOf(v2, "editor-1"));
  });

  test("save without a new version (publishing) keeps the version history as it is", async () => {
    const draft = aWorkflow();
    await workflows.create(draft, versionOf(draft));
    const published: Workflow = {
      ...draft,
      status: "published",
      publishedVersion: 1,
      publishedAt: at(5),
      updatedAt: at(5),
    };
    await workflows.save(published, 1);
    assert.deepEqual(await workflows.get(draft.workflowId), published);
    assert.equal(await workflows.getVersion(draft.workflowId, 2), null);
  });

  test("save with a stale expected version is CONFLICT and changes nothing", async () => {
    const v1 = aWorkflow();
    await workflows.create(v1, versionOf(v1));
    const v2 = { ...v1, version: 2, name: "first writer", updatedAt: at(1) };
    await workflows.save(v2, 1, versionOf(v2));
    const loser = { ...v1, version: 2, name: "second writer", updatedAt: at(2) };

    await assert.rejects(
      workflows.save(loser, 1, versionOf(loser)),
      rejectsWith("conflict", "CONFLICT"),
    );
    assert.equal((await workflows.get(v1.workflowId))?.name, "first writer");
    assert.equal((await workflows.getVersion(v1.workflowId, 2))?.name, "first writer");
  });

  test("concurrent saves from the same version: exactly one wins", async () => {
    const v1 = aWorkflow();
    await workflows.create(v1, versionOf(v1));
    const attempts = ["a", "b", "c"].map((name) => {
      const next = { ...v1, version: 2, name, updatedAt: at(1) };
      return workflows.save(next, 1, versionOf(next));
    });
    const results = await Promise.allSettled(attempts);
    assert.equal(results.filter((r) => r.status === "fulfilled").length, 1);
    for (const result of results) {
      if (result.status === "rejected") rejectsWith("conflict", "CONFLICT")(result.reason);
    }
  });

  test("save of an unknown workflow is WORKFLOW_NOT_FOUND", async () => {
    const ghost = aWorkflow();
    await assert.rejects(workflows.save(ghost, 1), rejectsWith("not_found", "WORKFLOW_NOT_FOUND"));
  });
});

describe("WorkflowRepository.list", () => {
  let db: TestPersistence;
  let workflows: WorkflowRepository;
  const community = 4242;
  const other = 4343;
  const named: Record<string, Workflow> = {};

  before(async () => {
    db = await openTestPersistence();
    workflows = db.persistence.workflows;
    const permissions = db.persistence.permissions;
    const add = async (key: string, overrides: Partial<Workflow>, minutes: number) => {
      const workflow = aWorkflow({
        communityId: community,
        name: key,
        updatedAt: at(minutes * 60_000),
        ...overrides,
      });
      named[key] = workflow;
      await workflows.create(workflow, versionOf(workflow));
      return workflow;
    };
    const grant = (
      workflow: Workflow,
      targetType: "user" | "role" | "community",
      targetId: string,
      flags: ("can_view" | "can_edit")[],
    ) =>
      permissions.put({
        workflowId: workflow.workflowId,
        targetType,
        targetId,
        flags,
        grantedBy: "owner",
        grantedAt: at(0),
      });

    await add("owned by alice", { ownerUserId: "alice" }, 1);
    await grant(await add("granted to bob", {}, 2), "user", "bob", ["can_view"]);
    await grant(await add("edit-only for bob", {}, 3), "user", "bob", ["can_edit"]);
    await grant(await add("granted to mods", {}, 4), "role", "mods", ["can_view"]);
    await grant(await add("granted to the community", {}, 5), "community", String(community), [
      "can_view",
    ]);
    await grant(await add("grant names another community", {}, 6), "community", String(other), [
      "can_view",
    ]);
    await add("elsewhere", { communityId: other, ownerUserId: "alice" }, 7);
  });
  after(() => db.close());

  async function visibleTo(viewer: Parameters<WorkflowRepository["list"]>[0]["viewer"]) {
    const page = await workflows.list({ communityId: community, viewer }, 1, 100);
    assert.equal(page.total, page.items.length);
    return page.items.map((w) => w.name).sort();
  }

  test("visibility: admin, owner, user grant, role grant, community grant for members only", async () => {
    assert.deepEqual(await visibleTo(aPrincipal({ admin: true })), [
      "edit-only for bob",
      "grant names another community",
      "granted to bob",
      "granted to mods",
      "granted to the community",
      "owned by alice",
    ]);
    assert.deepEqual(await visibleTo(aPrincipal({ userId: "alice" })), ["owned by alice"]);
    assert.deepEqual(await visibleTo(aPrincipal({ userId: "bob" })), ["granted to bob"]);
    assert.deepEqual(await visibleTo(aPrincipal({ roles: ["viewers", "mods"] })), [
      "granted to mods",
    ]);
    assert.deepEqual(await visibleTo(aPrincipal({ communityIds: [community] })), [
      "granted to the community",
    ]);
    assert.deepEqual(await visibleTo(aPrincipal({ communityIds: [other] })), []);
    assert.deepEqual(
      await visibleTo(aPrincipal({ userId: "bob", roles: ["mods"], communityIds: [community] })),
      ["granted to bob", "granted to mods", "granted to the community"],
    );
    assert.deepEqual(await visibleTo(aPrincipal()), []);
  });

  test("newest update first, ties by workflow id; page and total", async () => {
    const admin = aPrincipal({ admin: true });
    const all = await workflows.list({ communityId: community, viewer: admin }, 1, 100);
    assert.deepEqual(
      all.items.map((w) => w.name),
      [
        "grant names another community",
        "granted to the community",
        "granted to mods",
        "edit-only for bob",
        "granted to bob",
        "owned by alice",
      ],
    );
    const second = await workflows.list({ communityId: community, viewer: admin }, 2, 4);
    assert.equal(second.total, 6);
    assert.deepEqual(
      second.items.map((w) => w.name),
      ["granted to bob", "owned by alice"],
    );
    const beyond = await workflows.list({ communityId: community, viewer: admin }, 3, 4);
    assert.deepEqual(beyond, { items: [], total: 6 });

    const tiedCommunity = 5151;
    const ids = ["wf-tie-b", "wf-tie-a", "wf-tie-c"].map((id) => `${id}-${uniqueId("x")}`);
    for (const workflowId of ids) {
      const workflow = aWorkflow({ workflowId, communityId: tiedCommunity, updatedAt: at(1) });
      await workflows.create(workflow, versionOf(workflow));
    }
    const tied = await workflows.list({ communityId: tiedCommunity, viewer: admin }, 1, 10);
    assert.deepEqual(
      tied.items.map((w) => w.workflowId),
      [...ids].sort(),
    );
  });

  test("filters by entity and status; search is case-insensitive on name and description, literal % and _", async () => {
    const admin = aPrincipal({ admin: true });
    const searchCommunity = 6161;
    const make = async (name: string, description: string, extra: Partial<Workflow> = {}) => {
      const workflow = aWorkflow({ communityId: searchCommunity, name, description, ...extra });
      await workflows.create(workflow, versionOf(workflow));
    };
    await make("Welcome Bot", "greets people");
    await make("Moderator", "removes SPAM quickly", { entityId: 77 });
    await make("100% uptime", "pings", {
      status: "published",
      publishedVersion: 1,
      publishedAt: t0,
    });
    await make("snake_case", "naming");
    await make("snakeXcase", "naming");

    const names = async (filter: Partial<Parameters<WorkflowRepository["list"]>[0]>) =>
      (
        await workflows.list({ communityId: searchCommunity, viewer: admin, ...filter }, 1, 50)
      ).items
        .map((w) => w.name)
        .sort();

    assert.deepEqual(await names({ search: "welcome" }), ["Welcome Bot"]);
    assert.deepEqual(await names({ search: "spam" }), ["Moderator"]);
    assert.deepEqual(await names({ search: "%" }), ["100% uptime"]);
    assert.deepEqual(await names({ search: "e_c" }), ["snake_case"]);
    assert.deepEqual(await names({ search: "nothing like this" }), []);
    assert.deepEqual(await names({ entityId: 77 }), ["Moderator"]);
    assert.deepEqual(await names({ status: "published" }), ["100% uptime"]);
    assert.deepEqual(await names({ status: "published", search: "mod" }), []);
  });
});
