/** Machine facts, targets and the markdown table of a benchmark run. */
import { cpus, loadavg, release, totalmem, type } from "node:os";
import type { CalibrationResult } from "./calibration.js";
import type { CpuUse } from "./cpu-use.js";
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

export function markdown(
  machine: MachineInfo,
  calibration: { start: CalibrationResult[]; end: CalibrationResult[] },
  results: DialectResult[],
): string {
  const lines: string[] = [];
  const row = (cells: (string | number | null)[]) =>
    lines.push(`| ${cells.map((c) => (c === null ? "-" : c)).join(" | ")} |`);
  const header = (cells: string[], align: string[]) => {
    row(cells);
    row(align);
  };
  lines.push(
    `Machine: ${machine.cpuModel}, ${machine.cpuCount} CPUs, ${machine.totalMemoryGiB} GiB, ` +
      `${machine.os}, Node ${machine.node}; 1-minute load average ${machine.loadAverageStart} at ` +
      `start, ${machine.loadAverageEnd ?? "?"} at end.`,
    "",
    "Transport floor (node:http2 echo in one process, one h2c connection):",
    "",
  );
  header(
    ["when", "concurrency", "µs wall/call", "µs CPU/call", "p50 ms", "p99 ms"],
    ["---", "---:", "---:", "---:", "---:", "---:"],
  );
  for (const [when, list] of [
    ["start", calibration.start],
    ["end", calibration.end],
  ] as const) {
    for (const c of list) {
      row([when, c.concurrency, c.wallUsPerCall, c.cpuUsPerCall, c.latencyMs.p50, c.latencyMs.p99]);
    }
  }
  lines.push("", "ExecuteWorkflow acknowledgement latency (ms) and service CPU per request:", "");
  header(
    [
      "database",
      "load",
      "runner",
      "p50",
      "p90",
      "p99",
      "max",
      "acks/s",
      "service ms CPU/req",
      "errors",
    ],
    ["---", "---", "---", "---:", "---:", "---:", "---:", "---:", "---:", "---:"],
  );
  for (const r of results) {
    for (const a of r.ackClosedLoop) {
      const l = a.latencyMs;
      row([
        r.dialect,
        `${a.callers} callers`,
        "64 (busy)",
        l.p50,
        l.p90,
        l.p99,
        l.max,
        a.acksPerSecond,
        a.cpu.serverMsPerUnit,
        a.errors,
      ]);
    }
    for (const a of r.ackPaced) {
      const l = a.latencyMs;
      row([
        r.dialect,
        `paced ${a.ratePerSecond}/s`,
        "64 (busy)",
        l.p50,
        l.p90,
        l.p99,
        l.max,
        null,
        null,
        a.errors,
      ]);
    }
    for (const a of r.ackClosedLoopRunnerThrottled) {
      const l = a.latencyMs;
      row([
        r.dialect,
        `${a.callers} callers`,
        "1",
        l.p50,
        l.p90,
        l.p99,
        l.max,
        a.acksPerSecond,
        a.cpu.serverMsPerUnit,
        a.errors,
      ]);
    }
  }
  lines.push(
    "",
    'Completed executions per second (batch submitted by 64 callers; first submit to last completion) and CPU per execution (ack + run; "bound" is 1000 / main-thread ms, the rate one fully available core would allow the service\'s JavaScript thread):',
    "",
  );
  header(
    [
      "database",
      "workflow",
      "RUNNER_CONCURRENCY",
      "completed/s",
      "batch",
      "service ms CPU",
      "PostgreSQL ms CPU",
      "client ms CPU",
      "service cores",
      "not COMPLETED",
    ],
    ["---", "---", "---:", "---:", "---", "---:", "---:", "---:", "---:", "---:"],
  );
  for (const r of results) {
    for (const nodes of [3, 40] as const) {
      for (const c of r.completions) {
        const x = nodes === 3 ? c.threeNode : c.fortyNode;
        row([
          r.dialect,
          `${nodes}-node`,
          c.runnerConcurrency,
          x.completedPerSecond,
          `${x.executions} in ${x.totalSeconds} s`,
          x.cpu.serverMsPerUnit,
          `${x.cpu.mainThreadMsPerUnit} (${Math.round(1000 / Math.max(0.001, x.cpu.mainThreadMsPerUnit))})`,
          x.cpu.databaseMsPerUnit,
          x.cpu.clientMsPerUnit,
          ranWaited(x.cpu),
          x.notCompleted + x.submitErrors,
        ]);
      }
    }
  }
  lines.push("", "Cancel-to-stop (ms; a run inside a 5-minute delay, one at a time):", "");
  header(
    [
      "database",
      "runs",
      "CancelExecution p50",
      "p99",
      "max",
      "CANCELLED visible p50",
      "p99",
      "not cancelled",
    ],
    ["---", "---:", "---:", "---:", "---:", "---:", "---:", "---:"],
  );
  for (const r of results) {
    const c = r.cancel;
    row([
      r.dialect,
      c.runs,
      c.cancelRpcMs.p50,
      c.cancelRpcMs.p99,
      c.cancelRpcMs.max,
      c.cancelledVisibleMs.p50,
      c.cancelledVisibleMs.p99,
      c.notCancelled,
    ]);
  }
  lines.push("", "Targets:", "");
  header(
    ["database", "measure", "target", "measured", "met"],
    ["---", "---", "---", "---:", "---"],
  );
  for (const v of verdicts(results))
    row([v.dialect, v.what, v.target, v.measured, v.met ? "yes" : "**no**"]);
  return `${lines.join("\n")}\n`;
}

/** Shares of the wall time the service's main thread was running and runnable-but-waiting. */
function ranWaited(cpu: CpuUse): string {
  const pct = (ms: number) => `${Math.round((ms / Math.max(1, cpu.wallMs)) * 100)}%`;
  return `${pct(cpu.mainThreadMs)} / ${pct(cpu.runQueueWaitMs)}`;
}

function round1(value: number): number {
  return Math.round(value * 10) / 10;
}
