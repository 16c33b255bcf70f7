import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import { RecordingActionGateway } from "../../../../src/adapters/engine-support/recording-action-gateway.js";
import type { EngineResult } from "../../../../src/domain/engine/engine-types.js";
import type {
  WorkflowConnection,
  WorkflowNode,
} from "../../../../src/domain/workflow/workflow-definition.js";
import { flush, ManualClock } from "../../../support/engine/manual-clock.js";
import {
  definition,
  edge,
  finished,
  node,
  start,
  trigger,
} from "../../../support/engine/workflow-builder.js";

type Kind = "pass" | "if" | "set" | "delay" | "ok" | "fail" | "hang" | "merge2" | "end";

interface Spec {
  kinds: Kind[];
  /** For node i (1-based in the graph), the earlier nodes it takes input from. */
  parents: number[][];
  flags: boolean[];
  handleErrors: boolean[];
  cancelAfter: number | null;
  maxOps: number;
}

const kindArb = fc.constantFrom<Kind>(
  "pass",
  "if",
  "set",
  "delay",
  "ok",
  "fail",
  "hang",
  "merge2",
  "end",
);

const specArb: fc.Arbitrary<Spec> = fc.integer({ min: 1, max: 18 }).chain((n) =>
  fc.record({
    kinds: fc.array(kindArb, { minLength: n, maxLength: n }),
    parents: fc.tuple(
      ...Array.from({ length: n }, (_, i) =>
        fc.uniqueArray(fc.integer({ min: 0, max: i }), { minLength: 1, maxLength: 3 }),
      ),
    ),
    flags: fc.array(fc.boolean(), { minLength: n, maxLength: n }),
    handleErrors: fc.array(fc.boolean(), { minLength: n, maxLength: n }),
    cancelAfter: fc.option(fc.integer({ min: 0, max: 5 }), { nil: null }),
    maxOps: fc.integer({ min: 3, max: 40 }),
  }),
);

function outPorts(kind: Kind): string[] {
  switch (kind) {
    case "if":
      return ["true", "false"];
    case "delay":
    case "ok":
    case "fail":
    case "hang":
      return ["success"];
    case "end":
      return [];
    default:
      return ["output"];
  }
}

function build(spec: Spec) {
  const nodes: WorkflowNode[] = [trigger("n0")];
  const kinds: Kind[] = ["pass", ...spec.kinds];
  const edges: WorkflowConnection[] = [];
  spec.kinds.forEach((kind, k) => {
    const id = `n${k + 1}`;
    switch (kind) {
      case "pass":
        nodes.push(node(id, "flow_merge"));
        break;
      case "merge2":
        nodes.push(node(id, "flow_merge", { input_ports_required: 2 }));
        break;
      case "if":
        nodes.push(node(id, "condition_if", { condition: spec.flags[k] ? "true" : "false" }));
        break;
      case "set":
        nodes.push(node(id, "data_variable_set", { variables: { [`v${k}`]: k, last: k } }));
        break;
      case "delay":
        nodes.push(node(id, "action_delay", { delay_ms: 500 }));
        break;
      case "end":
        nodes.push(node(id, "flow_end", { output_expression: `${k}` }));
        break;
      default:
        nodes.push(
          node(id, "action_webhook", { url: `https://x.test/${kind}`, timeout_seconds: 1 }),
        );
    }
    const parents = (spec.parents[k] ?? [0]).filter((p) => kinds[p] !== "end");
    if (parents.length === 0) parents.push(0);
    for (const p of parents) {
      const ports = outPorts(kinds[p] as Kind);
      const port = ports[(k + p) % ports.length] ?? "output";
      edges.push(edge(`n${p}`, id, p === 0 ? "output" : port));
    }
  });
  spec.kinds.forEach((kind, k) => {
    if ((kind === "fail" || kind === "hang") && spec.handleErrors[k]) {
      const handler = `h${k + 1}`;
      nodes.push(node(handler, "flow_merge"));
      edges.push(edge(`n${k + 1}`, handler, "error"));
    }
  });
  return definition(nodes, edges);
}

async function runToEnd(spec: Spec) {
  const gateway = new RecordingActionGateway((recorded) => {
    if (recorded.kind !== "webhook") return { status: 200, headers: {}, body: {} };
    if (recorded.request.url.endsWith("/fail")) return { status: 500, headers: {}, body: null };
    if (recorded.request.url.endsWith("/hang")) return new Promise(() => {});
    return { status: 200, headers: {}, body: {} };
  });
  const clock = new ManualClock();
  const controller = new AbortController();
  const h = start(
    build(spec),
    { signal: controller.signal, limits: { maxTotalOperations: spec.maxOps } },
    { gateway, clock },
  );
  let settled: EngineResult | null = null;
  void h.result.then((r) => {
    settled = r;
  });
  for (let step = 0; step < 60 && settled === null; step++) {
    if (spec.cancelAfter === step) controller.abort();
    await clock.advance(250);
    await flush();
  }
  return { settled: settled as EngineResult | null, h };
}

describe("engine properties over generated graphs", () => {
  it("every run ends; every node reaches exactly one terminal status; joins run once", async () => {
    await fc.assert(
      fc.asyncProperty(specArb, async (spec) => {
        const { settled, h } = await runToEnd(spec);
        assert.ok(settled !== null, "the run always ends (limits trip instead of hanging)");
        const result = settled as EngineResult;
        const runs = finished(h.events);
        const perNode = new Map<string, string[]>();
        for (const r of runs) perNode.set(r.nodeId, [...(perNode.get(r.nodeId) ?? []), r.status]);
        for (const n of h.compiled.nodes) {
          const statuses = perNode.get(n.id) ?? [];
          assert.equal(statuses.length, 1, `${n.id} has exactly one record: ${statuses.join(",")}`);
          assert.ok(
            ["completed", "failed", "skipped", "cancelled"].includes(statuses[0] as string),
          );
        }
        const started = h.events
          .filter((e) => e.type === "node_started")
          .map((e) => (e.type === "node_started" ? e.nodeRun.nodeId : ""));
        assert.equal(new Set(started).size, started.length, "no node starts twice");
        const sequences = runs.map((r) => r.sequence).sort((a, b) => a - b);
        assert.deepEqual(
          sequences,
          sequences.map((_, i) => i + 1),
        );
        assert.equal(h.events.filter((e) => e.type === "execution_finished").length, 1);
        const statuses = runs.map((r) => r.status);
        if (result.status === "completed") {
          assert.ok(!statuses.includes("cancelled"), "a completed run cancelled nothing");
          assert.equal(result.errorReason, null);
        } else {
          assert.notEqual(result.errorMessage, null);
        }
        if (spec.cancelAfter !== null && result.status === "cancelled") {
          assert.ok(!statuses.includes("running"));
        }
        const unhandledFail = runs.some((r) => r.status === "failed" && r.outputPort !== "error");
        if (unhandledFail) assert.equal(result.status, "failed");
      }),
      { numRuns: 150 },
    );
  });

  it("loops always stop at a limit instead of hanging", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 5 }),
        fc.integer({ min: 1, max: 60 }),
        fc.integer({ min: 10, max: 500 }),
        async (bodyLength, maxIterations, maxOps) => {
          const body = Array.from({ length: bodyLength }, (_, i) => node(`b${i}`, "flow_merge"));
          const edges = [
            edge("t", "w"),
            edge("w", "b0", "loop"),
            ...body.slice(1).map((b, i) => edge(`b${i}`, b.nodeId)),
            edge(`b${bodyLength - 1}`, "w"),
          ];
          const h = start(
            definition([trigger(), node("w", "loop_while", { condition: "true" }), ...body], edges),
            {
              limits: { maxLoopIterations: maxIterations, maxTotalOperations: maxOps },
            },
          );
          const result = await h.result;
          assert.equal(result.status, "failed");
          assert.ok(
            ["LOOP_LIMIT_EXCEEDED", "OPERATION_LIMIT_EXCEEDED"].includes(result.errorReason ?? ""),
          );
          assert.ok(result.operations <= maxOps + 1);
        },
      ),
      { numRuns: 60 },
    );
  });
});
