import assert from "node:assert/strict";
import { after, afterEach, before, beforeEach, describe, test } from "node:test";
import type { Execution } from "../../../src/domain/execution/execution.js";
import type { Workflow } from "../../../src/domain/workflow/workflow.js";
import {
  type ClaimedExecution,
  type ExecutionOutcome,
  type ExecutionRepository,
  neverClaimed,
} from "../../../src/ports/execution-repository.js";
import {
  aNodeRun,
  anExecution,
  at,
  aWorkflow,
  creationAudit,
  isDomainError,
  openTestPersistence,
  type TestPersistence,
  versionOf,
  withAudit,
} from "./fixtures.js";

const outcome = (overrides: Partial<ExecutionOutcome> = {}): ExecutionOutcome => ({
  status: "completed",
  completedAt: at(9_000),
  durationMs: 1234.5,
  nodesExecuted: 3,
  failedNodes: [],
  errorReason: null,
  errorMessage: null,
  errorNodeId: null,
  finalOutput: { answer: 42 },
  finalVariables: { name: "Ada", count: 2 },
  ...overrides,
});

const held = (claimed: ClaimedExecution) => ({
  executionId: claimed.execution.executionId,
  token: claimed.fence.token,
});

/** Every test gets its own database: claims take whatever is claimable. */
describe("ExecutionRepository: claiming, leases, finishing, cancelling", () => {
  let db: TestPersistence;
  let executions: ExecutionRepository;
  let workflow: Workflow;

  beforeEach(async () => {
    db = await openTestPersistence();
    executions = db.persistence.executions;
    workflow = aWorkflow();
    await db.persistence.workflows.create(workflow, versionOf(workflow));
  });
  afterEach(() => db.close());

  async function insertMany(count: number, overrides: Partial<Execution> = {}) {
    const inserted: Execution[] = [];
    for (let i = 0; i < count; i++) {
      const execution = anExecution(workflow, { createdAt: at(i), ...overrides });
      await executions.insert(execution, creationAudit(execution));
      inserted.push(execution);
    }
    return inserted;
  }

  test("claim takes pending executions oldest first, up to the limit, and marks them running", async () => {
    const [a, b, c] = await insertMany(3);
    const now = at(100);
    const first = await executions.claim("runner-1", now, at(30_100), 2);
    assert.deepEqual(
      first.map((claimed) => claimed.execution.executionId),
      [a?.executionId, b?.executionId],
    );
    for (const claimed of first) {
      assert.equal(claimed.execution.status, "running");
      assert.deepEqual(claimed.execution.startedAt, now);
      assert.equal(claimed.checkpoint, null);
      assert.deepEqual(claimed.nodeRuns, []);
    }
    const second = await executions.claim("runner-2", now, at(30_100), 5);
    assert.deepEqual(
      second.map((claimed) => claimed.execution.executionId),
      [c?.executionId],
    );
    assert.deepEqual(await executions.claim("runner-3", now, at(30_100), 5), []);
    assert.deepEqual(await executions.claim("runner-3", now, at(30_100), 0), []);
  });

  test("claim leaves terminal, paused and live-leased executions alone", async () => {
    const [done, paused, leased] = await insertMany(3);
    assert.ok(done && paused && leased);
    await executions.finish(done.executionId, outcome());
    await executions.insert(
      ...withAudit(anExecution(workflow, { status: "paused", createdAt: at(-5) })),
    );
    await executions.claim("runner-1", at(0), at(60_000), 10);
    assert.deepEqual(await executions.claim("runner-2", at(59_999), at(90_000), 10), []);
  });

  test("an expired lease is claimed again, with the stored node runs and checkpoint", async () => {
    const [execution] = await insertMany(1);
    assert.ok(execution);
    const [claimed] = await executions.claim("crashed", at(0), at(1_000), 1);
    assert.equal(claimed?.execution.executionId, execution.executionId);
    const runs = [aNodeRun(1), aNodeRun(2)];
    await executions.appendNodeRuns(execution.executionId, runs.slice(0, 1), { step: 1 });
    await executions.appendNodeRuns(execution.executionId, runs.slice(1), { step: 2, seen: ["a"] });

    assert.deepEqual(await executions.claim("rescuer", at(999), at(5_000), 1), []);
    const [again] = await executions.claim("rescuer", at(1_000), at(5_000), 1);
    assert.equal(again?.execution.executionId, execution.executionId);
    assert.equal(again?.execution.status, "running");
    assert.deepEqual(again?.execution.startedAt, at(0), "the first start time is kept");
    assert.deepEqual(again?.checkpoint, { step: 2, seen: ["a"] });
    assert.deepEqual(again?.nodeRuns, runs);

    assert.deepEqual(
      await executions.renewLeases("crashed", [held(claimed)], at(10_000)),
      [],
      "the old owner lost the lease",
    );
  });

  test("fencing: once another claim took the run, the stale claim's writes change nothing", async () => {
    const [execution] = await insertMany(1);
    assert.ok(execution);
    const id = execution.executionId;
    const [stale] = await executions.claim("stalled", at(0), at(1_000), 1);
    assert.ok(stale);
    assert.equal(stale.fence.owner, "stalled");
    assert.equal(stale.fence.token, 1);
    assert.equal(
      await executions.appendNodeRuns(id, [aNodeRun(1)], { step: 1 }, stale.fence),
      true,
    );

    const [fresh] = await executions.claim("rescuer", at(1_000), at(60_000), 1);
    assert.ok(fresh);
    assert.equal(fresh.fence.token, 2, "each claim sets a new token");
    assert.equal(
      await executions.appendNodeRuns(id, [aNodeRun(2)], { step: 2 }, stale.fence),
      false,
      "lease lost",
    );
    assert.deepEqual(await executions.renewLeases("stalled", [held(stale)], at(90_000)), []);
    assert.equal(
      await executions.finish(id, outcome(), [aNodeRun(2)], stale.fence),
      false,
      "the stale finish does not apply",
    );
    // The same owner claiming again gets a new token: its older claim is stale too.
    const ownStale = { owner: "rescuer", token: 1 };
    assert.equal(await executions.appendNodeRuns(id, [aNodeRun(2)], null, ownStale), false);
    assert.deepEqual(
      await executions.renewLeases("rescuer", [{ executionId: id, token: 1 }], at(90_000)),
      [],
    );

    let stored = await executions.get(id, { nodeRuns: true, logs: false });
    assert.equal(stored?.status, "running");
    assert.deepEqual(
      stored?.nodeRuns.map((r) => r.sequence),
      [1],
      "nothing of the stale claim's after the new claim",
    );
    assert.equal(
      await executions.appendNodeRuns(id, [aNodeRun(2)], { step: 2 }, fresh.fence),
      true,
    );
    assert.deepEqual(await executions.renewLeases("rescuer", [held(fresh)], at(90_000)), [id]);
    assert.equal(await executions.finish(id, outcome(), [aNodeRun(3)], fresh.fence), true);
    stored = await executions.get(id, { nodeRuns: true, logs: false });
    assert.equal(stored?.status, "completed");
    assert.deepEqual(
      stored?.nodeRuns.map((r) => r.sequence),
      [1, 2, 3],
    );
  });

  test("a claim of chosen executions takes those still pending (PostgreSQL: only those)", async () => {
    const [older, mine, done] = await insertMany(3);
    assert.ok(older && mine && done);
    await executions.finish(done.executionId, outcome());
    const chosen = [mine.executionId, done.executionId, "no-such-execution"];
    const claimed = await executions.claim("runner-1", at(0), at(60_000), 5, { only: chosen });
    const ids = claimed.map((c) => c.execution.executionId);
    assert.ok(ids.includes(mine.executionId));
    assert.ok(!ids.includes(done.executionId), "a finished one is not claimed");
    if (db.persistence.dialect === "postgresql") {
      assert.deepEqual(ids, [mine.executionId], "the older pending one is left to its process");
    }
    assert.deepEqual(await executions.claim("runner-1", at(0), at(60_000), 5, { only: [] }), []);
  });

  test("a finish guarded as never claimed applies only to a pending run", async () => {
    // The claim takes the older one.
    const [taken, waiting] = await insertMany(2);
    assert.ok(taken && waiting);
    await executions.claim("runner-1", at(0), at(60_000), 1);
    const cancelled = outcome({ status: "cancelled" });
    assert.equal(await executions.finish(taken.executionId, cancelled, [], neverClaimed), false);
    assert.equal(await executions.finish(waiting.executionId, cancelled, [], neverClaimed), true);
    const stored = await executions.get(taken.executionId, { nodeRuns: false, logs: false });
    assert.equal(stored?.status, "running", "the claimed run was not ended by the pending guard");
  });

  test("renewLeases extends only the caller's leases; releaseLeases makes runs claimable at once", async () => {
    const [mine, theirs] = await insertMany(2);
    assert.ok(mine && theirs);
    await executions.claim("runner-1", at(0), at(1_000), 1);
    await executions.claim("runner-2", at(0), at(1_000), 1);

    assert.deepEqual(
      await executions.renewLeases(
        "runner-1",
        [
          { executionId: mine.executionId, token: 1 },
          { executionId: theirs.executionId, token: 1 },
        ],
        at(50_000),
      ),
      [mine.executionId],
    );
    assert.deepEqual(await executions.renewLeases("runner-1", [], at(50_000)), []);
    const afterExpiry = await executions.claim("runner-3", at(2_000), at(3_000), 10);
    assert.deepEqual(
      afterExpiry.map((c) => c.execution.executionId),
      [theirs.executionId],
    );

    await executions.releaseLeases("someone-else", [mine.executionId]);
    assert.deepEqual(await executions.claim("runner-3", at(2_000), at(3_000), 10), []);
    await executions.releaseLeases("runner-1", [mine.executionId]);
    const released = await executions.claim("runner-3", at(2_000), at(3_000), 10);
    assert.deepEqual(
      released.map((c) => c.execution.executionId),
      [mine.executionId],
    );
  });

  test("finish is a compare-and-set: a finished execution is never overwritten", async () => {
    const [running, pending] = await insertMany(2);
    assert.ok(running && pending);
    await executions.claim("runner-1", at(0), at(60_000), 1);

    const failed = outcome({
      status: "failed",
      errorReason: "EXECUTION_ERROR",
      errorMessage: "node exploded",
      errorNodeId: "node-2",
      failedNodes: ["node-2"],
      finalOutput: null,
      totalNodes: 7,
    });
    assert.equal(await executions.finish(running.executionId, failed), true);
    assert.equal(await executions.finish(running.executionId, outcome()), false);

    const stored = await executions.get(running.executionId, { nodeRuns: false, logs: false });
    assert.deepEqual(stored, {
      ...running,
      status: "failed",
      startedAt: at(0),
      completedAt: failed.completedAt,
      durationMs: failed.durationMs,
      nodesExecuted: failed.nodesExecuted,
      totalNodes: 7,
      failedNodes: ["node-2"],
      errorReason: "EXECUTION_ERROR",
      errorMessage: "node exploded",
      errorNodeId: "node-2",
      finalOutput: null,
      finalVariables: failed.finalVariables,
      nodeRuns: [],
    });

    assert.equal(
      await executions.finish(pending.executionId, outcome({ status: "cancelled" })),
      true,
    );
    assert.equal(
      (await executions.get(pending.executionId, { nodeRuns: false, logs: false }))?.totalNodes,
      pending.totalNodes,
      "without totalNodes the stored value stays",
    );
    assert.equal(await executions.finish("no-such-execution", outcome()), false);
    assert.deepEqual(await executions.claim("runner-2", at(0), at(60_000), 10), []);
  });

  test("concurrent finishes: exactly one applies", async () => {
    const [execution] = await insertMany(1);
    assert.ok(execution);
    const results = await Promise.all(
      (["completed", "failed", "cancelled"] as const).map((status) =>
        executions.finish(execution.executionId, outcome({ status })),
      ),
    );
    assert.equal(results.filter(Boolean).length, 1);
  });

  test("finish stores the last node runs with the terminal state, in sequence order", async () => {
    const [execution, other] = await insertMany(2);
    assert.ok(execution && other);
    await executions.claim("runner-1", at(0), at(60_000), 2);
    await executions.appendNodeRuns(execution.executionId, [aNodeRun(1)], { cursor: 1 });
    // More runs than one multi-row INSERT holds on SQLite.
    const last = Array.from({ length: 37 }, (_, index) => aNodeRun(index + 2));
    assert.equal(await executions.finish(execution.executionId, outcome(), last), true);
    const stored = await executions.get(execution.executionId, { nodeRuns: true, logs: true });
    assert.equal(stored?.status, "completed");
    assert.deepEqual(stored?.nodeRuns, [aNodeRun(1), ...last]);

    assert.equal(
      await executions.finish(execution.executionId, outcome({ status: "failed" }), [aNodeRun(39)]),
      false,
      "a finished execution is not finished again",
    );
    const again = await executions.get(execution.executionId, { nodeRuns: true, logs: false });
    assert.equal(again?.status, "completed");
    assert.deepEqual(
      again?.nodeRuns.map((run) => run.sequence),
      Array.from({ length: 38 }, (_, index) => index + 1),
      "runs go only with a state that applies",
    );

    await assert.rejects(
      executions.finish(other.executionId, outcome(), [aNodeRun(1), aNodeRun(1)]),
      isDomainError("conflict", "CONFLICT"),
    );
    const untouched = await executions.get(other.executionId, { nodeRuns: true, logs: false });
    assert.equal(untouched?.status, "running", "a failed write changed nothing");
    assert.deepEqual(untouched?.nodeRuns, []);
    assert.equal(await executions.finish("no-such-execution", outcome(), [aNodeRun(1)]), false);
  });

  test("finishes issued together each get their own answer; a refused one fails alone", async () => {
    const inserted = await insertMany(7);
    await executions.claim("runner-1", at(0), at(60_000), 7);
    const [done, clash, lone, ...rest] = inserted;
    assert.ok(done && clash && lone);
    await executions.finish(done.executionId, outcome());
    await executions.appendNodeRuns(clash.executionId, [aNodeRun(1)], null);

    // Together, and all acceptable (PostgreSQL writes them in one statement).
    const together = await Promise.all([
      executions.finish(done.executionId, outcome({ status: "failed" }), [aNodeRun(1)]),
      ...rest.map((execution, index) =>
        executions.finish(
          execution.executionId,
          outcome({ status: index % 2 === 0 ? "completed" : "cancelled", totalNodes: index }),
          Array.from({ length: index }, (_, i) => aNodeRun(i + 1)),
        ),
      ),
    ]);
    assert.deepEqual(together, [false, ...rest.map(() => true)], "only the terminal one refused");
    const finishedDone = await executions.get(done.executionId, { nodeRuns: true, logs: false });
    assert.equal(finishedDone?.status, "completed");
    assert.deepEqual(finishedDone?.nodeRuns, [], "its runs go only with a state that applies");
    for (const [index, execution] of rest.entries()) {
      const stored = await executions.get(execution.executionId, { nodeRuns: true, logs: true });
      assert.equal(stored?.status, index % 2 === 0 ? "completed" : "cancelled");
      assert.equal(stored?.totalNodes, index);
      assert.deepEqual(stored?.finalOutput, { answer: 42 });
      assert.deepEqual(stored?.finalVariables, { name: "Ada", count: 2 });
      assert.deepEqual(
        stored?.nodeRuns,
        Array.from({ length: index }, (_, i) => aNodeRun(i + 1)),
      );
    }

    // Together, with two the database refuses: the others still apply.
    const [clashed, alone, missing] = await Promise.allSettled([
      executions.finish(clash.executionId, outcome(), [aNodeRun(1)]),
      executions.finish(lone.executionId, outcome(), [aNodeRun(1), aNodeRun(2)]),
      executions.finish("no-such-execution", outcome(), [aNodeRun(1)]),
    ]);
    assert.ok(
      clashed?.status === "rejected" && isDomainError("conflict", "CONFLICT")(clashed.reason),
    );
    assert.deepEqual(alone, { status: "fulfilled", value: true });
    assert.deepEqual(missing, { status: "fulfilled", value: false });
    const afterClash = await executions.get(clash.executionId, { nodeRuns: true, logs: false });
    assert.equal(afterClash?.status, "running", "the refused finish changed nothing");
    assert.deepEqual(
      afterClash?.nodeRuns.map((run) => run.sequence),
      [1],
    );
    const loneStored = await executions.get(lone.executionId, { nodeRuns: true, logs: false });
    assert.equal(loneStored?.status, "completed");
    assert.deepEqual(
      loneStored?.nodeRuns.map((run) => run.sequence),
      [1, 2],
    );
  });

  test("requestCancel marks non-terminal executions once and is false on finished ones", async () => {
    const [pending, running, finished] = await insertMany(3);
    assert.ok(pending && running && finished);
    await executions.finish(finished.executionId, outcome());
    await executions.claim("runner-1", at(0), at(60_000), 1);

    assert.equal(await executions.requestCancel(pending.executionId, at(10)), true);
    assert.equal(await executions.requestCancel(pending.executionId, at(20)), true);
    assert.equal(await executions.requestCancel(finished.executionId, at(10)), false);
    assert.equal(await executions.requestCancel("no-such-execution", at(10)), false);

    const stored = await executions.get(pending.executionId, { nodeRuns: false, logs: false });
    assert.deepEqual(stored?.cancelRequestedAt, at(10), "the first request time is kept");
    assert.deepEqual(
      await executions.listCancelRequested([pending.executionId, running.executionId]),
      [pending.executionId],
    );
    assert.equal(await executions.requestCancel(running.executionId, at(30)), true);
    assert.deepEqual(
      (
        await executions.listCancelRequested([
          pending.executionId,
          running.executionId,
          finished.executionId,
        ])
      ).sort(),
      [pending.executionId, running.executionId].sort(),
    );
    assert.deepEqual(await executions.listCancelRequested([]), []);
  });
});

/**
 * Two claimers on separate Persistence instances (separate connection pools; on PostgreSQL
 * separate sessions competing through FOR UPDATE SKIP LOCKED) claim in parallel until nothing
 * is left: every execution is claimed exactly once.
 */
describe("ExecutionRepository: claim exclusivity", () => {
  let db: TestPersistence;
  let workflow: Workflow;
  const total = 120;

  before(async () => {
    db = await openTestPersistence();
    workflow = aWorkflow();
    await db.persistence.workflows.create(workflow, versionOf(workflow));
    for (let i = 0; i < total; i++) {
      await db.persistence.executions.insert(
        ...withAudit(anExecution(workflow, { createdAt: at(i % 7) })),
      );
    }
  });
  after(() => db.close());

  test("two concurrent claimers never get the same execution", async () => {
    const other = await db.openAnother({ migrate: false });
    const claimers = [db.persistence.executions, other.executions];
    const claimedBy: string[][] = [[], []];
    await Promise.all(
      claimers.map(async (repository, index) => {
        const owner = `runner-${index}`;
        const mine = claimedBy[index] as string[];
        // Several claims in flight per claimer, as a runner with free slots would issue.
        const worker = async () => {
          for (;;) {
            const batch = await repository.claim(owner, at(10_000), at(70_000), 3);
            if (batch.length === 0) return;
            for (const claimed of batch) {
              assert.equal(claimed.execution.status, "running");
              mine.push(claimed.execution.executionId);
            }
          }
        };
        await Promise.all([worker(), worker(), worker()]);
      }),
    );
    const all = [...(claimedBy[0] ?? []), ...(claimedBy[1] ?? [])];
    assert.equal(all.length, total);
    assert.equal(new Set(all).size, total, "no execution was claimed twice");
    const stored = await db.persistence.executions.list(
      { workflowId: workflow.workflowId, statuses: ["pending"] },
      { kind: "offset", page: 1, perPage: 10 },
    );
    assert.equal(stored.total, 0);
  });
});
