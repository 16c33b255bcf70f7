import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { RecordingActionGateway } from "../../../../src/adapters/engine-support/recording-action-gateway.js";
import {
  DEFAULT_ENGINE_LIMITS,
  effectiveLimits,
} from "../../../../src/domain/engine/engine-limits.js";
import { flush, ManualClock } from "../../../support/engine/manual-clock.js";
import {
  definition,
  edge,
  execute,
  finished,
  node,
  pass,
  setVar,
  start,
  statuses,
  trigger,
} from "../../../support/engine/workflow-builder.js";

const foreach = (id: string, path: string, extra = {}) =>
  node(id, "loop_foreach", { array_variable: path, ...extra });

describe("limits", () => {
  it("the workflow timeout fails the run with EXECUTION_TIMEOUT", async () => {
    const clock = new ManualClock();
    const def = definition(
      [trigger(), node("d", "action_delay", { delay_ms: 10_000 })],
      [edge("t", "d")],
    );
    const h = start(def, { limits: { timeoutMs: 5000 } }, { clock });
    await clock.advance(5000);
    const result = await h.result;
    assert.equal(result.status, "failed");
    assert.equal(result.errorReason, "EXECUTION_TIMEOUT");
    assert.equal(statuses(finished(h.events)).d, "cancelled");
  });

  it("node operations beyond MAX_TOTAL_OPERATIONS fail with OPERATION_LIMIT_EXCEEDED", async () => {
    const nodes = [trigger(), ...Array.from({ length: 10 }, (_, i) => pass(`p${i}`))];
    const edges = nodes.slice(1).map((n, i) => edge(nodes[i]?.nodeId as string, n.nodeId));
    const { result } = await execute(definition(nodes, edges), {
      limits: { maxTotalOperations: 5 },
    });
    assert.equal(result.status, "failed");
    assert.equal(result.errorReason, "OPERATION_LIMIT_EXCEEDED");
    assert.equal(result.operations, 6);
  });

  it("a foreach over more items than the limit fails with LOOP_LIMIT_EXCEEDED instead of truncating", async () => {
    const def = definition(
      [trigger(), foreach("loop", "trigger.items"), setVar("body", { seen: "{{ item }}" })],
      [edge("t", "loop"), edge("loop", "body", "loop"), edge("body", "loop")],
    );
    const items = Array.from({ length: 150 }, (_, i) => i);
    const { result, runs } = await execute(def, { trigger: { data: { items } } });
    assert.equal(result.status, "failed");
    assert.equal(result.errorReason, "LOOP_LIMIT_EXCEEDED");
    assert.equal(runs.filter((r) => r.nodeId === "body").length, 0);
    const ok = await execute(def, { trigger: { data: { items: items.slice(0, 100) } } });
    assert.equal(ok.result.status, "completed");
  });

  it("the node's max_iterations is also a limit", async () => {
    const def = definition(
      [trigger(), foreach("loop", "trigger.items", { max_iterations: 2 }), pass("body")],
      [edge("t", "loop"), edge("loop", "body", "loop"), edge("body", "loop")],
    );
    const { result } = await execute(def, { trigger: { data: { items: [1, 2, 3] } } });
    assert.equal(result.errorReason, "LOOP_LIMIT_EXCEEDED");
  });

  it("a while loop that never ends trips LOOP_LIMIT_EXCEEDED", async () => {
    const def = definition(
      [trigger(), node("w", "loop_while", { condition: "true" }), pass("body")],
      [edge("t", "w"), edge("w", "body", "loop"), edge("body", "w")],
    );
    const { result } = await execute(def, { limits: { maxLoopIterations: 50 } });
    assert.equal(result.errorReason, "LOOP_LIMIT_EXCEEDED");
  });

  it("loop nesting beyond MAX_LOOP_DEPTH fails at run time with LOOP_DEPTH_EXCEEDED", async () => {
    const def = definition(
      [
        trigger(),
        foreach("outer", "trigger.items"),
        foreach("inner", "trigger.items", { item_variable: "x", index_variable: "i" }),
        pass("body"),
      ],
      [
        edge("t", "outer"),
        edge("outer", "inner", "loop"),
        edge("inner", "body", "loop"),
        edge("body", "inner"),
        edge("inner", "outer", "done"),
      ],
    );
    const { result } = await execute(def, {
      trigger: { data: { items: [1] } },
      limits: { maxLoopDepth: 1 },
    });
    assert.equal(result.errorReason, "LOOP_DEPTH_EXCEEDED");
    assert.equal(result.errorNodeId, "inner");
  });

  it("a node output larger than maxOutputBytes fails with PAYLOAD_TOO_LARGE", async () => {
    const def = definition(
      [
        trigger(),
        node("x", "data_transform", { transformations: { big: "trigger.s + trigger.s" } }),
      ],
      [edge("t", "x")],
    );
    const { result } = await execute(def, {
      trigger: { data: { s: "a".repeat(600) } },
      limits: { maxOutputBytes: 1000 },
    });
    assert.equal(result.status, "failed");
    assert.equal(result.errorReason, "PAYLOAD_TOO_LARGE");
  });

  it("variables larger than maxVariablesBytes fail with PAYLOAD_TOO_LARGE", async () => {
    const def = definition(
      [trigger(), setVar("a", { one: "{{ trigger.s }}" }), setVar("b", { two: "{{ trigger.s }}" })],
      [edge("t", "a"), edge("a", "b")],
    );
    const { result } = await execute(def, {
      trigger: { data: { s: "x".repeat(600) } },
      limits: { maxVariablesBytes: 1000 },
    });
    assert.equal(result.errorReason, "PAYLOAD_TOO_LARGE");
    assert.equal(result.errorNodeId, "b");
  });

  it("never runs more than maxParallelNodes nodes at once", async () => {
    let active = 0;
    let peak = 0;
    const gateway = new RecordingActionGateway(async () => {
      active++;
      peak = Math.max(peak, active);
      await new Promise((resolve) => setImmediate(resolve));
      active--;
      return { status: 200, headers: {}, body: {} };
    });
    const branches = Array.from({ length: 12 }, (_, i) =>
      node(`w${i}`, "action_webhook", { url: "https://example.test/x" }),
    );
    const def = definition(
      [trigger(), node("p", "flow_parallel"), ...branches],
      [edge("t", "p"), ...branches.map((b) => edge("p", b.nodeId, "parallel"))],
    );
    const { result } = await execute(def, { limits: { maxParallelNodes: 3 } }, { gateway });
    assert.equal(result.status, "completed");
    assert.equal(peak, 3);
    assert.equal(gateway.requests.length, 12);
  });

  it("flow_parallel's timeout_seconds bounds its branches (EXECUTION_TIMEOUT at the parallel node)", async () => {
    const clock = new ManualClock();
    const def = definition(
      [
        trigger(),
        node("p", "flow_parallel", { timeout_seconds: 1 }),
        node("slow", "action_delay", { delay_ms: 5000 }),
        pass("fast"),
      ],
      [edge("t", "p"), edge("p", "slow", "parallel"), edge("p", "fast", "parallel")],
    );
    const h = start(def, {}, { clock });
    await clock.advance(1000);
    const result = await h.result;
    assert.equal(result.errorReason, "EXECUTION_TIMEOUT");
    assert.equal(result.errorNodeId, "p");
  });

  it("a parallel region that finishes in time releases its timer", async () => {
    const clock = new ManualClock();
    const def = definition(
      [
        trigger(),
        node("p", "flow_parallel", { timeout_seconds: 10 }),
        node("d", "action_delay", { delay_ms: 1000 }),
        pass("m"),
      ],
      [edge("t", "p"), edge("p", "d", "parallel"), edge("d", "m", "success")],
    );
    const h = start(def, {}, { clock });
    await clock.advance(1000);
    const result = await h.result;
    assert.equal(result.status, "completed");
    await flush();
    assert.equal(clock.pending, 0);
  });

  it("workflow overrides are clamped to the service limits", () => {
    const limits = effectiveLimits(DEFAULT_ENGINE_LIMITS, {
      timeoutSeconds: 10_000,
      maxLoopIterations: 5,
    });
    assert.equal(limits.timeoutMs, DEFAULT_ENGINE_LIMITS.timeoutMs);
    assert.equal(limits.maxLoopIterations, 5);
  });
});

describe("workflow limit overrides", () => {
  it("a workflow's own limits lower the service limits, never raise them", async () => {
    const nodes = [trigger(), ...Array.from({ length: 5 }, (_, i) => pass(`p${i}`))];
    const edges = nodes.slice(1).map((n, i) => edge(nodes[i]?.nodeId as string, n.nodeId));
    const lowered = { ...definition(nodes, edges), limits: { maxTotalOperations: 3 } };
    assert.equal((await execute(lowered)).result.errorReason, "OPERATION_LIMIT_EXCEEDED");
    const raised = { ...definition(nodes, edges), limits: { maxTotalOperations: 1000 } };
    assert.equal(
      (await execute(raised, { limits: { maxTotalOperations: 4 } })).result.errorReason,
      "OPERATION_LIMIT_EXCEEDED",
    );
  });
});
