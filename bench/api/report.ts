/** Machine facts, targets and the markdown table of a benchmark run. */
import { cpus, loadavg, release, totalmem, type } from "node:os";
import type { CalibrationResult } from "./calibration.js";
import type { CpuUse } from "./cpu-use.js";
import type { FloorResult } from "./framework-floor.js";
import type { LatencySummary } from "./stats.js";
import type { DialectResult } from "./suite.js";

export interface MachineInfo {
  cpuModel: string;
  cpuCount: number;
  totalMemoryGiB: number;
  os: string;
  node: string;
  /** 1-minute load average when the run started and ended (the machine may be shared). */
  loadAverageStart: number;
  loadAverageEnd?: number;
}

export function machineInfo(): MachineInfo {
  const cpuList = cpus();
  return {
    cpuModel: cpuList[0]?.model.trim() ?? "unknown",
    cpuCount: cpuList.length,
    totalMemoryGiB: Math.round((totalmem() / 1024 ** 3) * 10) / 10,
    os: `${type()} ${release()}`,
    node: process.version,
    loadAverageStart: round1(loadavg()[0] ?? 0),
  };
}

export const currentLoad = () => round1(loadavg()[0] ?? 0);

export const targets = {
  ackP99Ms: 10,
  completed3PerSecond: { sqlite: 1_000, postgresql: 500 },
} as const;

export interface Verdict {
  dialect: string;
  what: string;
  target: string;
  measured: string;
  met: boolean;
}

export function verdicts(results: DialectResult[]): Verdict[] {
  const out: Verdict[] = [];
  for (const r of results) {
    for (const ack of r.ackClosedLoop) {
      out.push({
        dialect: r.dialect,
        what: `ack p99, ${ack.callers} callers (runner busy)`,
        target: `< ${targets.ackP99Ms} ms`,
        measured: `${ack.latencyMs.p99} ms`,
        met: ack.latencyMs.p99 < targets.ackP99Ms,
      });
    }
    for (const ack of r.ackPaced) {
      out.push({
        dialect: r.dialect,
        what: `ack p99, paced ${ack.ratePerSecond}/s (runner busy)`,
        target: `< ${targets.ackP99Ms} ms`,
        measured: `${ack.latencyMs.p99} ms`,
        met: ack.latencyMs.p99 < targets.ackP99Ms,
      });
    }
    const best = bestCompletion(r);
    const defaultRun = r.completions[0];
    const target = targets.completed3PerSecond[r.dialect];
    if (defaultRun !== undefined) {
      out.push({
        dialect: r.dialect,
        what: `3-node completed/s, RUNNER_CONCURRENCY ${defaultRun.runnerConcurrency} (default)`,
        target: `>= ${target}/s`,
        measured: `${defaultRun.threeNode.completedPerSecond}/s`,
        met: defaultRun.threeNode.completedPerSecond >= target,
      });
    }
    if (best !== undefined && best !== defaultRun) {
      out.push({
        dialect: r.dialect,
        what: `3-node completed/s, best (RUNNER_CONCURRENCY ${best.runnerConcurrency})`,
        target: `>= ${target}/s`,
        measured: `${best.threeNode.completedPerSecond}/s`,
        met: best.threeNode.completedPerSecond >= target,
      });
    }
  }
  return out;
}

function bestCompletion(r: DialectResult) {
  return [...r.completions].sort(
    (a, b) => b.threeNode.completedPerSecond - a.threeNode.completedPerSecond,
  )[0];
}

type Cell = string | number | null;
type Column<T> = [title: string, value: (item: T) => Cell, align?: "left"];

/** A markdown table whose header and rows come from the same column list. */
function table<T>(columns: Column<T>[], items: T[]): string[] {
  const line = (cells: Cell[]) => `| ${cells.map((c) => (c === null ? "-" : c)).join(" | ")} |`;
  return [
    line(columns.map(([title]) => title)),
    line(columns.map(([, , align]) => (align === "left" ? "---" : "---:"))),
    ...items.map((item) => line(columns.map(([, value]) => value(item)))),
  ];
}

interface AckRow {
  dialect: string;
  load: string;
  runner: string;
  latency: LatencySummary;
  acksPerSecond: number | null;
  cpu: CpuUse;
  errors: number;
}

export function markdown(
  machine: MachineInfo,
  calibration: { start: CalibrationResult[]; end: CalibrationResult[] },
  results: DialectResult[],
  frameworkFloor: FloorResult | null = null,
): string {
  const floor = [
    ...calibration.start.map((c) => ({ when: "start", ...c })),
    ...calibration.end.map((c) => ({ when: "end", ...c })),
  ];
  const acks: AckRow[] = results.flatMap((r) => [
    ...r.ackClosedLoop.map((a) => ({
      dialect: r.dialect,
      load: `${a.callers} callers`,
      runner: "64 (busy)",
      latency: a.latencyMs,
      acksPerSecond: a.acksPerSecond,
      cpu: a.cpu,
      errors: a.errors,
    })),
    ...r.ackPaced.map((a) => ({
      dialect: r.dialect,
      load: `paced ${a.ratePerSecond}/s`,
      runner: "64 (busy)",
      latency: a.latencyMs,
      acksPerSecond: null,
      cpu: a.cpu,
      errors: a.errors,
    })),
    ...r.ackClosedLoopRunnerThrottled.map((a) => ({
      dialect: r.dialect,
      load: `${a.callers} callers`,
      runner: "1",
      latency: a.latencyMs,
      acksPerSecond: a.acksPerSecond,
      cpu: a.cpu,
      errors: a.errors,
    })),
  ]);
  const floorDialect = "none: framework floor";
  const floorAcks: AckRow[] = [
    ...(frameworkFloor?.closedLoop ?? []).map((a) => ({
      dialect: floorDialect,
      load: `${a.callers} callers`,
      runner: "-",
      latency: a.latencyMs,
      acksPerSecond: a.acksPerSecond,
      cpu: a.cpu,
      errors: a.errors,
    })),
    ...(frameworkFloor?.paced ?? []).map((a) => ({
      dialect: floorDialect,
      load: `paced ${a.ratePerSecond}/s`,
      runner: "-",
      latency: a.latencyMs,
      acksPerSecond: null,
      cpu: a.cpu,
      errors: a.errors,
    })),
  ];
  const completions = results.flatMap((r) =>
    ([3, 40] as const).flatMap((nodes) =>
      r.completions.map((c) => ({
        dialect: r.dialect,
        nodes,
        runner: c.runnerConcurrency,
        x: nodes === 3 ? c.threeNode : c.fortyNode,
      })),
    ),
  );
  const bound = (ms: number) => Math.round(1000 / Math.max(0.001, ms));
  return [
    `Machine: ${machine.cpuModel}, ${machine.cpuCount} CPUs, ${machine.totalMemoryGiB} GiB, ` +
      `${machine.os}, Node ${machine.node}; 1-minute load average ${machine.loadAverageStart} at ` +
      `start, ${machine.loadAverageEnd ?? "?"} at end.`,
    "",
    "Transport floor (node:http2 echo in one process, one h2c connection):",
    "",
    ...table(
      [
        ["when", (c) => c.when, "left"],
        ["concurrency", (c) => c.concurrency],
        ["µs wall/call", (c) => c.wallUsPerCall],
        ["µs CPU/call", (c) => c.cpuUsPerCall],
        ["p50 ms", (c) => c.latencyMs.p50],
        ["p99 ms", (c) => c.latencyMs.p99],
      ],
      floor,
    ),
    "",
    "ExecuteWorkflow acknowledgement latency (ms); service CPU per request; the service's " +
      "event-loop delay; share of the time its main thread ran / was runnable but waited for a CPU:",
    "",
    ...table<AckRow>(
      [
        ["database", (a) => a.dialect, "left"],
        ["load", (a) => a.load, "left"],
        ["runner", (a) => a.runner, "left"],
        ["p50", (a) => a.latency.p50],
        ["p90", (a) => a.latency.p90],
        ["p99", (a) => a.latency.p99],
        ["max", (a) => a.latency.max],
        ["acks/s", (a) => a.acksPerSecond],
        ["service ms CPU/req", (a) => a.cpu.serverMsPerUnit],
        ["loop delay p99", (a) => a.cpu.loopDelayMs?.p99 ?? null],
        ["ran / waited", (a) => ranWaited(a.cpu)],
        ["errors", (a) => a.errors],
      ],
      [...acks, ...floorAcks],
    ),
    "",
    `"${floorDialect}": the same loads against a server on the service's transport stack ` +
      "(one-port server, connect-node, binary protobuf over h2c) whose ExecuteWorkflow does no " +
      "work (bench/api/floor-server.ts).",
    "",
    "Completed executions per second (batch submitted by 64 callers; first submit to last " +
      "completion); CPU per execution (ack + run) of the service, of its main thread (with the " +
      "rate one fully available core would allow that thread) and of PostgreSQL; share of the " +
      "time the main thread ran / waited for a CPU:",
    "",
    ...table<(typeof completions)[number]>(
      [
        ["database", (c) => c.dialect, "left"],
        ["workflow", (c) => `${c.nodes}-node`, "left"],
        ["RUNNER_CONCURRENCY", (c) => c.runner],
        ["completed/s", (c) => c.x.completedPerSecond],
        ["batch", (c) => `${c.x.executions} in ${c.x.totalSeconds} s`, "left"],
        ["service ms CPU", (c) => c.x.cpu.serverMsPerUnit],
        [
          "main thread ms CPU (bound/s)",
          (c) => `${c.x.cpu.mainThreadMsPerUnit} (${bound(c.x.cpu.mainThreadMsPerUnit)})`,
        ],
        ["PostgreSQL ms CPU", (c) => c.x.cpu.databaseMsPerUnit],
        ["client ms CPU", (c) => c.x.cpu.clientMsPerUnit],
        ["ran / waited", (c) => ranWaited(c.x.cpu)],
        ["not COMPLETED", (c) => c.x.notCompleted + c.x.submitErrors],
      ],
      completions,
    ),
    "",
    "Cancel-to-stop (ms; a run inside a 5-minute delay, one at a time):",
    "",
    ...table<DialectResult>(
      [
        ["database", (r) => r.dialect, "left"],
        ["runs", (r) => r.cancel.runs],
        ["CancelExecution p50", (r) => r.cancel.cancelRpcMs.p50],
        ["p99", (r) => r.cancel.cancelRpcMs.p99],
        ["max", (r) => r.cancel.cancelRpcMs.max],
        ["CANCELLED visible p50", (r) => r.cancel.cancelledVisibleMs.p50],
        ["p99", (r) => r.cancel.cancelledVisibleMs.p99],
        ["not cancelled", (r) => r.cancel.notCancelled],
      ],
      results,
    ),
    "",
    "Targets:",
    "",
    ...table<Verdict>(
      [
        ["database", (v) => v.dialect, "left"],
        ["measure", (v) => v.what, "left"],
        ["target", (v) => v.target, "left"],
        ["measured", (v) => v.measured],
        ["met", (v) => (v.met ? "yes" : "**no**"), "left"],
      ],
      verdicts(results),
    ),
    "",
  ].join("\n");
}

/** Shares of the wall time the service's main thread was running and runnable-but-waiting. */
function ranWaited(cpu: CpuUse): string {
  const pct = (ms: number) => `${Math.round((ms / Math.max(1, cpu.wallMs)) * 100)}%`;
  return `${pct(cpu.mainThreadMs)} / ${pct(cpu.runQueueWaitMs)}`;
}

function round1(value: number): number {
  return Math.round(value * 10) / 10;
}
