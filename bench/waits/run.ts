/**
 * Durable-timer benchmark: the service as a child process on a fresh database per dialect.
 * With PARKED far-off timers parked (one day), it measures the service's RSS, the latency of a
 * three-node run from execute to completed (which includes the claim statement, now with a third
 * source) against the same without parked runs, and the lateness of TIMERS 2-second timers
 * resumed from the database (completion of the delay's record minus its due time).
 *
 *   node --import tsx bench/waits/run.ts [parked=10000] [timers=200] [sqlite|postgresql|both]
 */
import { readFileSync } from "node:fs";
import { loadavg } from "node:os";
import { timestampDate } from "@bufbuild/protobuf/wkt";
import { ExecutionStatus } from "../../src/gen/waddlebot/workflow/v1/execution_pb.js";
import {
  edge,
  node,
  toCreateRequest,
  type WorkflowSpec,
} from "../../test/support/workflow-fixtures.js";
import type { BenchClients } from "../api/bench-clients.js";
import type { BenchDialect } from "../api/bench-database.js";
import { benchCommunityId, threeNodeWorkflow } from "../api/bench-workflows.js";
import { type LatencySummary, sleep, summarise } from "../api/stats.js";
import { withService } from "../api/with-service.js";

const parkedCount = Number(process.argv[2] ?? 10_000);
const timerCount = Number(process.argv[3] ?? 200);
const which = process.argv[4] ?? "both";
const dialects: BenchDialect[] =
  which === "both" ? ["sqlite", "postgresql"] : [which as BenchDialect];

function delayed(name: string, delayMs: number): WorkflowSpec {
  return {
    name,
    communityId: benchCommunityId,
    nodes: [
      node("start", "trigger_command", { command_pattern: "!bench", platforms: ["twitch"] }),
      node("wait", "action_delay", { delay_ms: delayMs }),
      node("end", "flow_end"),
    ],
    edges: [edge("start", "output", "wait"), edge("wait", "success", "end")],
  };
}

async function publish(clients: BenchClients, spec: WorkflowSpec): Promise<string> {
  const { workflow } = await clients.workflows.createWorkflow(toCreateRequest(spec));
  if (workflow === undefined) throw new Error("no workflow");
  await clients.workflows.publishWorkflow({ workflowId: workflow.workflowId });
  return workflow.workflowId;
}

async function execute(clients: BenchClients, workflowId: string): Promise<string> {
  const { execution } = await clients.executions.executeWorkflow({
    workflowId,
    communityId: BigInt(benchCommunityId),
  });
  if (execution === undefined) throw new Error("no execution");
  return execution.executionId;
}

async function untilDone(clients: BenchClients, executionId: string, light = true) {
  for (;;) {
    const { execution } = await clients.executions.getExecution({
      executionId,
      omitNodeRuns: light,
    });
    if (execution !== undefined && execution.status >= ExecutionStatus.COMPLETED) return execution;
    await sleep(light ? 2 : 50);
  }
}

/** Execute → completed of `n` three-node runs, one at a time. */
async function quickLatency(clients: BenchClients, workflowId: string, n: number) {
  const samples: number[] = [];
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    await untilDone(clients, await execute(clients, workflowId));
    samples.push(performance.now() - t0);
  }
  return summarise(samples);
}

async function inBatches(total: number, size: number, work: (i: number) => Promise<void>) {
  for (let start = 0; start < total; start += size) {
    await Promise.all(
      Array.from({ length: Math.min(size, total - start) }, (_, k) => work(start + k)),
    );
  }
}

function rssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
  return Math.round(kb / 1024);
}

interface Result {
  dialect: BenchDialect;
  rssIdleMb: number;
  rssParkedMb: number;
  quickWithout: LatencySummary;
  quickWith: LatencySummary;
  lateness: LatencySummary;
}

async function runDialect(dialect: BenchDialect): Promise<Result> {
  return withService(
    { dialect, env: { RUNNER_PARK_AFTER_MS: "1000", RUNNER_POLL_MS: "500" } },
    async (clients, _gauges, pid) => {
      const quick = await publish(clients, threeNodeWorkflow("quick"));
      const far = await publish(clients, delayed("far", 24 * 3600_000));
      const timer = await publish(clients, delayed("timer", 2_000));
      await quickLatency(clients, quick, 20);
      const quickWithout = await quickLatency(clients, quick, 200);
      const rssIdleMb = rssMb(pid);
      const farIds: string[] = [];
      await inBatches(parkedCount, 64, async () => {
        farIds.push(await execute(clients, far));
      });
      // Every far run has parked once the last one shows its wait.
      for (const id of farIds.slice(-64)) {
        for (;;) {
          const { execution } = await clients.executions.getExecution({
            executionId: id,
            omitNodeRuns: true,
          });
          if (execution?.wait !== undefined) break;
          await sleep(50);
        }
      }
      const rssParkedMb = rssMb(pid);
      const quickWith = await quickLatency(clients, quick, 200);
      const timerIds: string[] = [];
      for (let i = 0; i < timerCount; i++) {
        timerIds.push(await execute(clients, timer));
        await sleep(10);
      }
      const lateness: number[] = [];
      for (const id of timerIds) {
        const done = await untilDone(clients, id, false);
        const wait = done.nodeRuns.find((r) => r.nodeId === "wait");
        if (wait?.startedAt === undefined || wait.completedAt === undefined) continue;
        const due = timestampDate(wait.startedAt).getTime() + 2_000;
        lateness.push(timestampDate(wait.completedAt).getTime() - due);
      }
      return {
        dialect,
        rssIdleMb,
        rssParkedMb,
        quickWithout,
        quickWith,
        lateness: summarise(lateness),
      };
    },
  );
}

const results: Result[] = [];
for (const dialect of dialects) {
  process.stderr.write(`${dialect}: ${parkedCount} parked, ${timerCount} timers...\n`);
  results.push(await runDialect(dialect));
}
const lines = [
  `load average ${loadavg()
    .map((l) => l.toFixed(2))
    .join(" ")}; ${parkedCount} parked runs, ${timerCount} timers of 2 s`,
  "",
  "| database | RSS idle → with parked | execute→completed p50/p99 without parked | with parked | timer lateness p50/p99/max |",
  "|---|---|---|---|---|",
  ...results.map(
    (r) =>
      `| ${r.dialect} | ${r.rssIdleMb} → ${r.rssParkedMb} MB | ${r.quickWithout.p50} / ${r.quickWithout.p99} ms | ${r.quickWith.p50} / ${r.quickWith.p99} ms | ${r.lateness.p50} / ${r.lateness.p99} / ${r.lateness.max} ms |`,
  ),
];
process.stdout.write(`${lines.join("\n")}\n`);
