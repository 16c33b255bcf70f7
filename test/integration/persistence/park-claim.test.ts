import assert from "node:assert/strict";
import { afterEach, beforeEach, describe, test } from "node:test";
import type { Workflow } from "../../../src/domain/workflow/workflow.js";
import type { ExecutionRepository, ParkedRun } from "../../../src/ports/execution-repository.js";
import {
  aNodeRun,
  anExecution,
  at,
  aWorkflow,
  creationAudit,
  openTestPersistence,
  type TestPersistence,
  versionOf,
} from "./fixtures.js";

const parkedOn = (executionId: string, wakeAt: Date): ParkedRun => ({
  executionId,
  reason: "timer",
  wakeAt,
  nodeIds: ["wait"],
  checkpoint: { waits: [{ nodeId: "wait", wakeAtMs: wakeAt.getTime() }] },
});

/** The park is a runner write like the others: fenced by the claim, one transaction. */
describe("ExecutionRepository: parking under a claim", () => {
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

  async function claimedRun() {
    const execution = anExecution(workflow, { createdAt: at(0) });
    await executions.insert(execution, creationAudit(execution));
    const [claimed] = await executions.claim("first", at(0), at(1_000), 1);
    assert.ok(claimed);
    return claimed;
  }

  test("a stale claim cannot park: nothing it parks is stored, and the new claim parks", async () => {
    const stale = await claimedRun();
    const id = stale.execution.executionId;
    const [fresh] = await executions.claim("second", at(1_000), at(60_000), 1);
    assert.ok(fresh);

    const parked = parkedOn(id, at(100_000));
    assert.equal(
      await executions.park(stale.fence, parked, [aNodeRun(1)], at(2_000)),
      "lease_lost",
    );
    let stored = await executions.get(id, { nodeRuns: true, logs: false });
    assert.equal(stored?.wait, null, "no wait recorded for the stale claim");
    assert.deepEqual(stored?.nodeRuns, [], "no node run of the stale claim stored");

    assert.equal(await executions.park(fresh.fence, parked, [aNodeRun(1)], at(2_000)), "parked");
    stored = await executions.get(id, { nodeRuns: true, logs: false });
    assert.equal(stored?.status, "running");
    assert.deepEqual(stored?.wait, { reason: "timer", wakeAt: at(100_000), nodeIds: ["wait"] });
    assert.deepEqual(
      stored?.nodeRuns.map((r) => r.sequence),
      [1],
    );
    // The lease is given up: a renewal under the parking claim finds nothing.
    const held = [{ executionId: id, token: fresh.fence.token }];
    assert.deepEqual(await executions.renewLeases("second", held, at(90_000)), []);
  });

  test("a parked run is not claimed before it is due, not even as an orphan; then it is", async () => {
    const claimed = await claimedRun();
    const id = claimed.execution.executionId;
    assert.equal(
      await executions.park(claimed.fence, parkedOn(id, at(100_000)), [], at(500)),
      "parked",
    );
    // No process holds a liveness lock here: on PostgreSQL every leased run would be an orphan.
    const early = await executions.claim("other", at(50_000), at(60_000), 10, { orphans: true });
    assert.deepEqual(early, [], "a parked run has no owner and no lease: it waits for wake_at");

    const [due] = await executions.claim("other", at(100_000), at(160_000), 10, { orphans: true });
    assert.equal(due?.execution.executionId, id);
    assert.equal(due?.execution.wait, null, "claimed again, it is no longer waiting");
    assert.equal(due?.fence.token, claimed.fence.token + 1);
    assert.deepEqual(due?.checkpoint, parkedOn(id, at(100_000)).checkpoint);
  });

  test("a park that finds a cancel request makes the run due at once", async () => {
    const claimed = await claimedRun();
    const id = claimed.execution.executionId;
    assert.equal(await executions.requestCancel(id, at(400)), true);
    assert.equal(
      await executions.park(claimed.fence, parkedOn(id, at(100_000)), [aNodeRun(1)], at(500)),
      "cancel_requested",
    );
    const [due] = await executions.claim("other", at(1_000), at(60_000), 10);
    assert.equal(due?.execution.executionId, id, "due at the cancel's time, not the timer's");
  });
});
