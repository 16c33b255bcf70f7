import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { EngineResult } from "../../../../src/domain/engine/engine-types.js";
import type { NodeRun } from "../../../../src/domain/execution/node-run.js";
import type { WorkflowDefinition } from "../../../../src/domain/workflow/workflow-definition.js";
import { ManualClock } from "../../../support/engine/manual-clock.js";
import {
  definition,
  edge,
  execute,
  node,
  pass,
  setVar,
  start,
  trigger,
} from "../../../support/engine/workflow-builder.js";

/**
 * A clock on which synchronous work takes time: every reading is `stepMs` later than the one
 * before, as if each step of the engine cost that much CPU. Nothing else moves it, so timers
 * (the run-wide timeout timer among them) never fire while the engine works: only the engine's
 * own readings can notice the deadline, as in a real synchronous stretch.
 */
class SteppingClock extends ManualClock {
  private reads = 0;

  constructor(private readonly stepMs: number) {
    super(0);
  }

  override now(): number {
    this.reads++;
    return super.now() + this.reads * this.stepMs;
  }
}

/** trigger → foreach over trigger.items → a body of `bodyNodes` synchronous nodes (a chain). */
function foreachWorkflow(bodyNodes: number, timeoutSeconds?: number): WorkflowDefinition {
  const body = Array.from({ length: bodyNodes }, (_, i) =>
    i === 0 ? setVar("b0", { last: "{{ item }}" }) : pass(`b${i}`),
  );
  const chain = body.slice(1).map((n, i) => edge(body[i]?.nodeId as string, n.nodeId));
  const def = definition(
    [trigger(), node("loop", "loop_foreach", { array_variable: "trigger.items" }), ...body],
    [
      edge("t", "loop"),
      edge("loop", "b0", "loop"),
      ...chain,
      edge(body[body.length - 1]?.nodeId as string, "loop"),
    ],
  );
  return timeoutSeconds === undefined ? def : { ...def, limits: { timeoutSeconds } };
}

const items = (n: number) => Array.from({ length: n }, (_, i) => i);

function startedAtOrAfter(runs: readonly NodeRun[], ms: number): NodeRun[] {
  return runs.filter((r) => r.startedAt !== null && r.startedAt.getTime() >= ms);
}

function assertTimedOut(result: EngineResult, timeoutMs: number): void {
  assert.equal(result.status, "failed");
  assert.equal(result.errorReason, "EXECUTION_TIMEOUT");
  assert.equal(result.errorMessage, `the execution exceeded its timeout of ${timeoutMs} ms`);
}

describe("the run's deadline during synchronous stretches", () => {
  it("a synchronous run past its timeout ends EXECUTION_TIMEOUT without starting another node", async () => {
    // 3000 iterations × 2 body nodes: about 9000 node starts, far more than the 1024 between
    // two yields. At 1 ms per clock reading the 200 ms timeout is reached after a few dozen.
    const clock = new SteppingClock(1);
    const timeoutMs = 200;
    const { result, runs } = await execute(
      foreachWorkflow(2),
      {
        trigger: { data: { items: items(3000) } },
        limits: { timeoutMs, maxLoopIterations: 10_000, maxTotalOperations: 100_000 },
      },
      { clock },
    );
    assertTimedOut(result, timeoutMs);
    const deadline = result.startedAt.getTime() + timeoutMs;
    const late = startedAtOrAfter(runs, deadline);
    assert.deepEqual(
      late.map((r) => `${r.nodeId}@${r.startedAt?.getTime()}`),
      [],
      "no node starts once the deadline has passed",
    );
    const bodyRuns = runs.filter((r) => r.nodeId === "b0" && r.status === "completed");
    assert.ok(bodyRuns.length > 0, "the loop ran until the deadline");
    assert.ok(
      result.nodesExecuted < 1024,
      `stopped at the deadline, not at the next yield (${result.nodesExecuted} node starts)`,
    );
    // What was running is recorded cancelled, as for any timeout.
    assert.equal(runs.find((r) => r.nodeId === "loop")?.status, "cancelled");
  });

  it("a dry-run under the default limits can time out (no yield ever happens before 1000 operations)", async () => {
    // Default limits (1000 operations, 100 iterations per loop); the workflow lowers its own
    // timeout to 1 s. 100 iterations × 3 body nodes = about 400 operations, each node taking a
    // few 5 ms clock readings: about 6 s of work for a 1 s timeout.
    const clock = new SteppingClock(5);
    const { result, runs } = await execute(
      foreachWorkflow(3, 1),
      { mode: "dry_run", trigger: { data: { items: items(100) } } },
      { clock },
    );
    assertTimedOut(result, 1000);
    assert.ok(result.operations < 1000, "the operation limit was not what stopped it");
    assert.ok(result.trace !== null && result.trace.length > 0, "the trace up to the timeout");
    const deadline = result.startedAt.getTime() + 1000;
    assert.deepEqual(startedAtOrAfter(runs, deadline), []);
  });

  it("the same dry-run completes when its work fits in the timeout (control)", async () => {
    const clock = new SteppingClock(5);
    const { result } = await execute(
      foreachWorkflow(3, 1),
      { mode: "dry_run", trigger: { data: { items: items(3) } } },
      { clock },
    );
    assert.equal(result.status, "completed");
    assert.deepEqual(result.finalVariables, { last: 2 });
  });

  it("loop iterations check the deadline too (a while loop whose body is only its condition)", async () => {
    // The condition is re-evaluated before every iteration; the body node is disabled, so no
    // node starts inside the loop: only the iterations themselves can notice the deadline.
    const clock = new SteppingClock(1);
    const def = definition(
      [
        trigger(),
        node("w", "loop_while", { condition: "true", max_iterations: 10_000 }),
        node("noop", "flow_merge", {}, { enabled: false }),
      ],
      [edge("t", "w"), edge("w", "noop", "loop"), edge("noop", "w")],
    );
    const { result } = await execute(
      def,
      { limits: { timeoutMs: 50, maxLoopIterations: 10_000, maxTotalOperations: 1_000_000 } },
      { clock },
    );
    assertTimedOut(result, 50);
    assert.ok(result.operations < 1000, `${result.operations} operations before the timeout`);
  });

  it("a long synchronous stretch yields to the event loop, so cancellation is seen within it", async () => {
    // 300 iterations × 2 nodes: about 900 node starts, fewer than the 1024 that force a yield,
    // so without a time slice the whole loop would run before the abort below could be seen.
    const clock = new SteppingClock(1);
    const controller = new AbortController();
    const h = start(
      foreachWorkflow(2),
      {
        trigger: { data: { items: items(300) } },
        limits: { maxLoopIterations: 1000 },
        signal: controller.signal,
      },
      { clock },
    );
    setImmediate(() => controller.abort());
    const result = await h.result;
    assert.equal(result.status, "cancelled");
    const bodyRuns = h.events.filter(
      (e) => e.type === "node_finished" && e.nodeRun.nodeId === "b0",
    ).length;
    assert.ok(bodyRuns < 300, `the loop stopped early (${bodyRuns} of 300 iterations ran)`);
  });
});
