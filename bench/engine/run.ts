/**
 * Engine micro-benchmarks, in memory, no persistence. Bounded: a fixed number of samples per
 * scenario. Run: node --import tsx bench/engine/run.ts [--json]
 */

import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { RecordingActionGateway } from "../../src/adapters/engine-support/recording-action-gateway.js";
import { CelExpressionCompiler } from "../../src/adapters/expressions/cel-expression-compiler.js";
import { SystemClock } from "../../src/adapters/system/system-clock.js";
import {
  type CompiledWorkflow,
  compileWorkflow,
} from "../../src/domain/engine/compile-workflow.js";
import type { EngineEvent, RunOptions } from "../../src/domain/engine/engine-types.js";
import { runWorkflow } from "../../src/domain/engine/run-workflow.js";
import type { JsonObject } from "../../src/domain/json.js";
import type {
  WorkflowConnection,
  WorkflowDefinition,
  WorkflowNode,
} from "../../src/domain/workflow/workflow-definition.js";

const compiler = new CelExpressionCompiler();
const env = { gateway: new RecordingActionGateway(), clock: new SystemClock() };
const limits = {
  timeoutMs: 600_000,
  maxLoopIterations: 100_000,
  maxTotalOperations: 10_000_000,
  maxParallelNodes: 10,
};
let eventCount = 0;
const onEvent = (_event: EngineEvent) => {
  eventCount++;
};
export const deliveredEvents = () => eventCount;
const base = (): RunOptions => ({
  context: {
    executionId: "bench",
    workflowId: "bench",
    workflowVersion: 1,
    userId: "u",
    communityId: 1,
    entityId: 1,
    sessionId: "s",
    platform: "twitch",
  },
  limits,
  onEvent,
});

function n(nodeId: string, nodeType: string, config: JsonObject = {}): WorkflowNode {
  return {
    nodeId,
    nodeType,
    label: nodeId,
    position: { x: 0, y: 0 },
    enabled: true,
    description: "",
    config,
  };
}
let edgeId = 0;
function e(from: string, to: string, port = "output"): WorkflowConnection {
  return {
    connectionId: `e${edgeId++}`,
    fromNodeId: from,
    fromPortName: port,
    toNodeId: to,
    toPortName: "input",
    enabled: true,
  };
}
const def = (
  nodes: WorkflowNode[],
  connections: WorkflowConnection[],
  globals: JsonObject = {},
): WorkflowDefinition => ({
  nodes,
  connections,
  globalVariables: globals,
  limits: {},
});
const trigger = () => n("t", "trigger_command", { command_pattern: "!b", platforms: ["twitch"] });

function chain(length: number): CompiledWorkflow {
  const nodes = [trigger(), ...Array.from({ length }, (_, i) => n(`p${i}`, "flow_merge"))];
  const edges = nodes.slice(1).map((node, i) => e(nodes[i]?.nodeId as string, node.nodeId));
  return compileWorkflow(def(nodes, edges), compiler);
}

function foreach(): CompiledWorkflow {
  return compileWorkflow(
    def(
      [
        trigger(),
        n("loop", "loop_foreach", { array_variable: "trigger.items", max_iterations: 10_000 }),
        n("tx", "data_transform", { transformations: { doubled: "item.value * 2" } }),
      ],
      [e("t", "loop"), e("loop", "tx", "loop"), e("tx", "loop")],
    ),
    compiler,
  );
}

function fanOut(branches: number, depth: number): CompiledWorkflow {
  const nodes = [trigger(), n("par", "flow_parallel"), n("merge", "flow_merge")];
  const edges = [e("t", "par")];
  for (let b = 0; b < branches; b++) {
    for (let d = 0; d < depth; d++) {
      nodes.push(n(`b${b}_${d}`, "flow_merge"));
      edges.push(d === 0 ? e("par", `b${b}_0`, "parallel") : e(`b${b}_${d - 1}`, `b${b}_${d}`));
    }
    edges.push(e(`b${b}_${depth - 1}`, "merge"));
  }
  return compileWorkflow(def(nodes, edges), compiler);
}

function small(): CompiledWorkflow {
  return compileWorkflow(
    def(
      [
        trigger(),
        n("if", "condition_if", {
          condition: { variable: "trigger.n", operator: "greater_than", value: 3 },
        }),
        n("big", "data_variable_set", { variables: { size: "big" } }),
        n("little", "data_variable_set", { variables: { size: "small" } }),
        n("end", "flow_end", { output_expression: "vars.size" }),
      ],
      [
        e("t", "if"),
        e("if", "big", "true"),
        e("if", "little", "false"),
        e("big", "end"),
        e("little", "end"),
      ],
    ),
    compiler,
  );
}

async function timeRun(
  workflow: CompiledWorkflow,
  options: Partial<RunOptions> = {},
): Promise<number> {
  const started = process.hrtime.bigint();
  const result = await runWorkflow(workflow, { ...base(), ...options }, env).result;
  const elapsed = Number(process.hrtime.bigint() - started) / 1000;
  if (result.status !== "completed")
    throw new Error(`bench run ${result.status}: ${result.errorMessage}`);
  return elapsed;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1
    ? (sorted[mid] as number)
    : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

async function samples(
  count: number,
  warmup: number,
  fn: () => Promise<number>,
): Promise<number[]> {
  for (let i = 0; i < warmup; i++) await fn();
  const out: number[] = [];
  for (let i = 0; i < count; i++) out.push(await fn());
  return out;
}

interface Row {
  scenario: string;
  metric: string;
  median: number;
  target: string;
  ok: boolean;
}

type Scenario = "chain" | "foreach" | "fanout" | "small";

/** Runs one scenario in this process and returns its rows. */
async function measure(scenario: Scenario): Promise<Row[]> {
  switch (scenario) {
    case "chain": {
      const chain1000 = chain(1000);
      const chain40 = chain(40);
      const perNode1000 = median(await samples(150, 30, () => timeRun(chain1000))) / 1001;
      const perNode40 = median(await samples(400, 100, () => timeRun(chain40))) / 41;
      const ratio = perNode1000 / perNode40;
      return [
        {
          scenario: "chain of 1,000 pass-through nodes",
          metric: "µs per node",
          median: perNode1000,
          target: "≤ 2",
          ok: perNode1000 <= 2,
        },
        {
          scenario: "chain of 40 pass-through nodes",
          metric: "µs per node",
          median: perNode40,
          target: "(reference)",
          ok: true,
        },
        {
          scenario: "1,000-node vs 40-node chain",
          metric: "per-node cost ratio",
          median: ratio,
          target: "≤ 2",
          ok: ratio <= 2,
        },
      ];
    }
    case "foreach": {
      const loop = foreach();
      const items = Array.from({ length: 10_000 }, (_, i) => ({ value: i }));
      const perIteration =
        median(await samples(15, 3, () => timeRun(loop, { trigger: { data: { items } } }))) /
        10_000;
      return [
        {
          scenario: "foreach over 10,000 items with a CEL transform",
          metric: "µs per iteration",
          median: perIteration,
          target: "≤ 5",
          ok: perIteration <= 5,
        },
      ];
    }
    case "fanout": {
      const fan = fanOut(20, 5);
      const perFanNode = median(await samples(200, 50, () => timeRun(fan))) / fan.nodes.length;
      return [
        {
          scenario: "fan-out 20 branches x 5 nodes + merge",
          metric: "µs per node",
          median: perFanNode,
          target: "(reported)",
          ok: true,
        },
      ];
    }
    case "small": {
      const five = small();
      const runsPerSecond: number[] = [];
      for (let round = 0; round < 7; round++) {
        const count = 10_000;
        const started = process.hrtime.bigint();
        for (let i = 0; i < count; i++) {
          const result = await runWorkflow(
            five,
            { ...base(), trigger: { data: { n: i % 7 } } },
            env,
          ).result;
          if (result.status !== "completed") throw new Error(result.errorMessage ?? "failed");
        }
        const seconds = Number(process.hrtime.bigint() - started) / 1e9;
        if (round > 0) runsPerSecond.push(count / seconds);
      }
      const rps = median(runsPerSecond);
      return [
        {
          scenario: "10,000 runs of a 5-node workflow with a condition",
          metric: "runs per second",
          median: rps,
          target: "≥ 50,000",
          ok: rps >= 50_000,
        },
      ];
    }
  }
}

async function main(): Promise<void> {
  const only = process.argv.find((a) => a.startsWith("--scenario="))?.slice("--scenario=".length) as
    | Scenario
    | undefined;
  if (only !== undefined) {
    process.stdout.write(JSON.stringify(await measure(only)));
    return;
  }
  const json = process.argv.includes("--json");
  const rows: Row[] = [];
  // Each scenario in a fresh process, so one scenario's heap and JIT state do not skew the next.
  for (const scenario of ["chain", "foreach", "fanout", "small"] as Scenario[]) {
    const out = execFileSync(
      process.execPath,
      [...process.execArgv, fileURLToPath(import.meta.url), `--scenario=${scenario}`],
      {
        encoding: "utf8",
        timeout: 300_000,
      },
    );
    rows.push(...(JSON.parse(out) as Row[]));
  }
  if (json) {
    console.log(JSON.stringify({ node: process.version, rows }, null, 2));
    return;
  }
  console.log(
    `Engine benchmark (Node ${process.version}; every node_started/node_finished event goes to a no-op consumer)\n`,
  );
  console.log("| scenario | metric | median | target | met |");
  console.log("|---|---|---:|---|---|");
  for (const r of rows) {
    console.log(
      `| ${r.scenario} | ${r.metric} | ${r.median.toFixed(r.median >= 100 ? 0 : 2)} | ${r.target} | ${r.ok ? "yes" : "NO"} |`,
    );
  }
}

await main();
