import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import type { Execution } from "../../../src/domain/execution/execution.js";
import type { Workflow } from "../../../src/domain/workflow/workflow.js";
import type { ExecutionRepository } from "../../../src/ports/execution-repository.js";
import {
  aNodeRun,
  anExecution,
  at,
  aWorkflow,
  creationAudit,
  isDomainError,
  openTestPersistence,
  type TestPersistence,
  uniqueId,
  versionOf,
  withAudit,
} from "./fixtures.js";

describe("ExecutionRepository: insert, get, idempotency, node runs", () => {
  let db: TestPersistence;
  let executions: ExecutionRepository;
  let workflow: Workflow;

  before(async () => {
    db = await openTestPersistence();
    executions = db.persistence.executions;
    workflow = aWorkflow();
    await db.persistence.workflows.create(workflow, versionOf(workflow));
  });
  after(() => db.close());

  test("insert then get returns an equal plain execution (dates to the millisecond)", async () => {
    const execution = anExecution(workflow, {
      idempotencyKey: uniqueId("key"),
      inputVariables: { deep: { list: [1, "two", null, { x: false }] }, unicode: "héllo ✓" },
    });
    await executions.insert(execution, creationAudit(execution));
    const stored = await executions.get(execution.executionId, { nodeRuns: false, logs: false });
    assert.deepEqual(stored, { ...execution, nodeRuns: [] });
    assert.equal(stored?.createdAt.getTime(), execution.createdAt.getTime());
    assert.equal(await executions.get(uniqueId("missing"), { nodeRuns: true, logs: true }), null);
  });

  test("the creation audit event is stored with the execution, and not when the insert fails", async () => {
    const execution = anExecution(workflow, { idempotencyKey: uniqueId("key") });
    await executions.insert(execution, creationAudit(execution));
    const rival = anExecution(workflow, {
      idempotencyKey: execution.idempotencyKey,
      triggeredBy: execution.triggeredBy,
    });
    await assert.rejects(
      executions.insert(rival, creationAudit(rival)),
      isDomainError("already_exists", "ALREADY_EXISTS"),
    );
    const stored = await db.persistence.auditEvents.list({ workflowId: workflow.workflowId });
    const ids = stored.map((event) => event.executionId);
    assert.ok(ids.includes(execution.executionId));
    assert.ok(!ids.includes(rival.executionId), "the failed insert left no audit event");
    assert.deepEqual(
      stored.find((event) => event.executionId === execution.executionId),
      creationAudit(execution),
    );
  });

  test("a duplicate id is ALREADY_EXISTS; an unknown workflow is WORKFLOW_NOT_FOUND", async () => {
    const execution = anExecution(workflow);
    await executions.insert(execution, creationAudit(execution));
    await assert.rejects(
      executions.insert(execution, creationAudit(execution)),
      isDomainError("already_exists", "ALREADY_EXISTS"),
    );
    await assert.rejects(
      executions.insert(...withAudit(anExecution(aWorkflow()))),
      isDomainError("not_found", "WORKFLOW_NOT_FOUND"),
    );
  });

  test("in a burst of concurrent writes, a failing one fails alone", async () => {
    const existing = anExecution(workflow);
    await executions.insert(existing, creationAudit(existing));
    const fresh = [anExecution(workflow), anExecution(workflow), anExecution(workflow)];
    const results = await Promise.allSettled([
      executions.insert(...withAudit(fresh[0] as Execution)),
      executions.insert(existing, creationAudit(existing)),
      executions.insert(...withAudit(fresh[1] as Execution)),
      executions.appendNodeRuns(existing.executionId, [aNodeRun(1), aNodeRun(1)], null),
      executions.insert(...withAudit(fresh[2] as Execution)),
      executions.appendNodeRuns(existing.executionId, [aNodeRun(2)], { ok: true }),
    ]);
    assert.deepEqual(
      results.map((r) => r.status),
      ["fulfilled", "rejected", "fulfilled", "rejected", "fulfilled", "fulfilled"],
    );
    for (const execution of fresh) {
      assert.ok(await executions.get(execution.executionId, { nodeRuns: false, logs: false }));
    }
    const stored = await executions.get(existing.executionId, { nodeRuns: true, logs: true });
    assert.deepEqual(stored?.nodeRuns, [aNodeRun(2)], "the failed batch left no run behind");
  });

  test("idempotency: found inside the window, unique per user, reusable once released", async () => {
    const key = uniqueId("key");
    const first = anExecution(workflow, {
      triggeredBy: "ada",
      idempotencyKey: key,
      createdAt: at(0),
    });
    await executions.insert(first, creationAudit(first));

    assert.equal(
      (await executions.findByIdempotencyKey("ada", key, at(0)))?.executionId,
      first.executionId,
    );
    assert.equal(await executions.findByIdempotencyKey("ada", key, at(1)), null);
    assert.equal(await executions.findByIdempotencyKey("bob", key, at(-1)), null);

    const sameKeyOtherUser = anExecution(workflow, { triggeredBy: "bob", idempotencyKey: key });
    await executions.insert(sameKeyOtherUser, creationAudit(sameKeyOtherUser));

    const duplicate = anExecution(workflow, {
      triggeredBy: "ada",
      idempotencyKey: key,
      createdAt: at(5),
    });
    await assert.rejects(
      executions.insert(duplicate, creationAudit(duplicate)),
      isDomainError("already_exists", "ALREADY_EXISTS"),
    );

    // Only a holder created before `before` gives the key up.
    await executions.releaseIdempotencyKey("ada", key, at(0));
    await assert.rejects(
      executions.insert(duplicate, creationAudit(duplicate)),
      isDomainError("already_exists", "ALREADY_EXISTS"),
    );
    await executions.releaseIdempotencyKey("ada", key, at(1));
    await executions.insert(duplicate, creationAudit(duplicate));
    assert.equal(
      (await executions.findByIdempotencyKey("ada", key, at(-1)))?.executionId,
      duplicate.executionId,
    );
    const released = await executions.get(first.executionId, { nodeRuns: false, logs: false });
    assert.equal(released?.idempotencyKey, null);
  });

  test("appendNodeRuns stores batches in sequence order; logs can be left out", async () => {
    const execution = anExecution(workflow);
    await executions.insert(execution, creationAudit(execution));
    const runs = [
      aNodeRun(1),
      aNodeRun(2, {
        status: "failed",
        output: null,
        input: "plain string",
        outputPort: null,
        errorReason: "EXECUTION_ERROR",
        errorMessage: "boom",
        startedAt: null,
        completedAt: null,
        outputTruncated: true,
        iterationPath: [0, 3],
        simulatedRequest: { method: "POST", url: "https://example.test/hook", body: [1, 2] },
        durationMs: 12.75,
      }),
    ];
    await executions.appendNodeRuns(execution.executionId, runs, { cursor: 2 });
    await executions.appendNodeRuns(execution.executionId, [aNodeRun(3, { logs: [] })], null);
    await executions.appendNodeRuns(execution.executionId, [], { cursor: 3 });

    const full = await executions.get(execution.executionId, { nodeRuns: true, logs: true });
    assert.deepEqual(full?.nodeRuns, [...runs, aNodeRun(3, { logs: [] })]);
    const light = await executions.get(execution.executionId, { nodeRuns: true, logs: false });
    assert.deepEqual(
      light?.nodeRuns,
      full?.nodeRuns.map((run) => ({ ...run, logs: [] })),
    );
  });

  test("appendNodeRuns: a repeated sequence is CONFLICT, an unknown execution NOT_FOUND", async () => {
    const execution = anExecution(workflow);
    await executions.insert(execution, creationAudit(execution));
    await executions.appendNodeRuns(execution.executionId, [aNodeRun(1)], null);
    await assert.rejects(
      executions.appendNodeRuns(execution.executionId, [aNodeRun(2), aNodeRun(1)], null),
      isDomainError("conflict", "CONFLICT"),
    );
    const stored = await executions.get(execution.executionId, { nodeRuns: true, logs: false });
    assert.deepEqual(
      stored?.nodeRuns.map((r) => r.sequence),
      [1],
      "the failed batch left nothing behind",
    );
    await assert.rejects(
      executions.appendNodeRuns(uniqueId("missing"), [aNodeRun(1)], null),
      isDomainError("not_found", "NOT_FOUND"),
    );
    await assert.rejects(
      executions.appendNodeRuns(uniqueId("missing"), [], null),
      isDomainError("not_found", "NOT_FOUND"),
    );
  });
});

describe("ExecutionRepository.list", () => {
  let db: TestPersistence;
  let executions: ExecutionRepository;
  let workflow: Workflow;
  /** Newest first, ties (same createdAt) by execution id descending. */
  let expected: Execution[];

  before(async () => {
    db = await openTestPersistence();
    executions = db.persistence.executions;
    workflow = aWorkflow();
    const otherWorkflow = aWorkflow();
    await db.persistence.workflows.create(workflow, versionOf(workflow));
    await db.persistence.workflows.create(otherWorkflow, versionOf(otherWorkflow));
    const all: Execution[] = [];
    const statuses = ["pending", "running", "completed", "failed", "cancelled"] as const;
    for (let i = 0; i < 23; i++) {
      // Groups of three share a timestamp, so ordering ties are exercised.
      const execution = anExecution(workflow, {
        executionId: `ex-${String(i).padStart(3, "0")}-${uniqueId("x").slice(2, 8)}`,
        createdAt: at(Math.floor(i / 3) * 1000),
        status: statuses[i % statuses.length],
      });
      all.push(execution);
      await executions.insert(execution, creationAudit(execution));
    }
    await executions.insert(...withAudit(anExecution(otherWorkflow, { createdAt: at(999_999) })));
    expected = [...all].sort(
      (a, b) =>
        b.createdAt.getTime() - a.createdAt.getTime() ||
        (a.executionId < b.executionId ? 1 : a.executionId > b.executionId ? -1 : 0),
    );
  });
  after(() => db.close());

  const ids = (items: Execution[]) => items.map((e) => e.executionId);

  test("offset paging: newest first, ties by id, with totals", async () => {
    const first = await executions.list(
      { workflowId: workflow.workflowId },
      { kind: "offset", page: 1, perPage: 10 },
    );
    assert.equal(first.total, 23);
    assert.deepEqual(ids(first.items), ids(expected.slice(0, 10)));
    assert.deepEqual(first.items[0], expected[0]);
    assert.notEqual(first.nextCursor, null);
    const third = await executions.list(
      { workflowId: workflow.workflowId },
      { kind: "offset", page: 3, perPage: 10 },
    );
    assert.deepEqual(ids(third.items), ids(expected.slice(20)));
    assert.equal(third.nextCursor, null);
  });

  test("cursor paging walks every execution once, in order, without totals", async () => {
    const seen: Execution[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const page = await executions.list(
        { workflowId: workflow.workflowId },
        { kind: "cursor", cursor, perPage: 4 },
      );
      assert.equal(page.total, undefined);
      seen.push(...page.items);
      cursor = page.nextCursor;
      pages++;
    } while (cursor !== null);
    assert.equal(pages, 6);
    assert.deepEqual(ids(seen), ids(expected));
  });

  test("an offset page's cursor continues where the page ended", async () => {
    const page = await executions.list(
      { workflowId: workflow.workflowId },
      { kind: "offset", page: 1, perPage: 7 },
    );
    const next = await executions.list(
      { workflowId: workflow.workflowId },
      { kind: "cursor", cursor: page.nextCursor, perPage: 7 },
    );
    assert.deepEqual(ids(next.items), ids(expected.slice(7, 14)));
  });

  test("filters: statuses, community, half-open creation range", async () => {
    const finished = await executions.list(
      { workflowId: workflow.workflowId, statuses: ["completed", "failed"] },
      { kind: "offset", page: 1, perPage: 100 },
    );
    assert.deepEqual(
      ids(finished.items),
      ids(expected.filter((e) => e.status === "completed" || e.status === "failed")),
    );
    assert.equal(finished.total, finished.items.length);

    const inRange = await executions.list(
      { workflowId: workflow.workflowId, createdAfter: at(2000), createdBefore: at(4000) },
      { kind: "cursor", cursor: null, perPage: 100 },
    );
    assert.deepEqual(
      ids(inRange.items),
      ids(
        expected.filter(
          (e) => e.createdAt.getTime() >= at(2000).getTime() && e.createdAt < at(4000),
        ),
      ),
    );
    assert.equal(inRange.items.length, 6);

    const otherCommunity = await executions.list(
      { workflowId: workflow.workflowId, communityId: workflow.communityId + 1 },
      { kind: "offset", page: 1, perPage: 10 },
    );
    assert.deepEqual(otherCommunity, { items: [], total: 0, nextCursor: null });
  });

  test("offset paging can sort by start time, status or execution time; empty values last", async () => {
    const sorted = aWorkflow();
    await db.persistence.workflows.create(sorted, versionOf(sorted));
    const prefix = uniqueId("s");
    const make = (n: number, overrides: Partial<Execution>) =>
      anExecution(sorted, { executionId: `${prefix}-${n}`, createdAt: at(n), ...overrides });
    const runs = {
      e1: make(1, { status: "completed", startedAt: at(100), durationMs: 50 }),
      e2: make(2, { status: "failed", startedAt: at(50), durationMs: 500 }),
      e3: make(3, { status: "pending" }),
      e4: make(4, { status: "running", startedAt: at(75) }),
      e5: make(5, { status: "completed", startedAt: at(75), durationMs: 50 }),
    };
    for (const execution of Object.values(runs))
      await executions.insert(execution, creationAudit(execution));
    const order = async (sort: {
      by: "created_at" | "start_time" | "status" | "execution_time";
      order: "asc" | "desc";
    }) => {
      const page = await executions.list(
        { workflowId: sorted.workflowId },
        { kind: "offset", page: 1, perPage: 10, sort },
      );
      return page.items.map((e) => e.executionId.slice(prefix.length + 1));
    };
    assert.deepEqual(await order({ by: "start_time", order: "asc" }), ["2", "4", "5", "1", "3"]);
    assert.deepEqual(await order({ by: "start_time", order: "desc" }), ["1", "5", "4", "2", "3"]);
    assert.deepEqual(await order({ by: "execution_time", order: "desc" }), [
      "2",
      "5",
      "1",
      "4",
      "3",
    ]);
    assert.deepEqual(await order({ by: "execution_time", order: "asc" }), [
      "1",
      "5",
      "2",
      "3",
      "4",
    ]);
    assert.deepEqual(await order({ by: "status", order: "asc" }), ["1", "5", "2", "3", "4"]);
    assert.deepEqual(await order({ by: "created_at", order: "asc" }), ["1", "2", "3", "4", "5"]);
    assert.deepEqual(await order({ by: "created_at", order: "desc" }), ["5", "4", "3", "2", "1"]);

    const partial = await executions.list(
      { workflowId: sorted.workflowId },
      { kind: "offset", page: 1, perPage: 2, sort: { by: "status", order: "desc" } },
    );
    assert.equal(partial.total, 5);
    assert.equal(partial.nextCursor, null, "cursors follow the default order only");
  });

  test("a cursor that was not issued by the repository is BAD_REQUEST", async () => {
    for (const cursor of ["not-base64-json", Buffer.from('["x",1]').toString("base64url")]) {
      await assert.rejects(
        executions.list(
          { workflowId: workflow.workflowId },
          { kind: "cursor", cursor, perPage: 5 },
        ),
        isDomainError("invalid_argument", "BAD_REQUEST"),
      );
    }
  });
});
