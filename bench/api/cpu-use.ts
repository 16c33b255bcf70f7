/**
 * CPU time spent by the service child, by its PostgreSQL backends (none on SQLite, whose work
 * is inside the service) and by this load generator over a phase. On a shared machine
 * wall-clock rates move with the neighbours' load; CPU milliseconds per execution move much
 * less, and bound what dedicated cores could sustain.
 */
import { readdirSync, readFileSync } from "node:fs";
import type { LoopDelay } from "./service-child.js";
import { round } from "./stats.js";

export interface CpuUse {
  wallMs: number;
  /** The service's main (JavaScript) thread: CPU, and time it was runnable but not running. */
  mainThreadMs: number;
  runQueueWaitMs: number;
  /** Event-loop delay of the service over the phase (a 10 ms timer's lateness). */
  loopDelayMs: LoopDelay | null;
  serverMs: number;
  /** PostgreSQL backend processes of the benchmark database; null on SQLite. */
  databaseMs: number | null;
  clientMs: number;
  /** Per unit (execution or request). */
  serverMsPerUnit: number;
  mainThreadMsPerUnit: number;
  databaseMsPerUnit: number | null;
  clientMsPerUnit: number;
  /** Cores the service kept busy on average. */
  serverCores: number;
}

/** What the benchmark can read about the running service. */
export interface ServiceGauges {
  cpuMs(): number;
  mainThread(): { cpuMs: number; runQueueWaitMs: number };
  loopDelay(): Promise<LoopDelay>;
  /** PostgreSQL: CPU of the backends serving the benchmark database. */
  databaseCpuMs?: () => number;
}

export interface CpuMeter {
  read(units: number): Promise<CpuUse>;
}

export async function startCpuMeter(source: ServiceGauges): Promise<CpuMeter> {
  await source.loopDelay();
  const wall = performance.now();
  const mainStart = source.mainThread();
  const serverStart = source.cpuMs();
  const databaseStart = source.databaseCpuMs?.() ?? null;
  const clientStart = process.cpuUsage();
  return {
    async read(units) {
      const perUnit = (ms: number) => round(ms / Math.max(1, units), 3);
      const wallMs = performance.now() - wall;
      const main = source.mainThread();
      const serverMs = source.cpuMs() - serverStart;
      const databaseMs =
        databaseStart === null ? null : (source.databaseCpuMs?.() ?? 0) - databaseStart;
      const client = process.cpuUsage(clientStart);
      const clientMs = (client.user + client.system) / 1000;
      return {
        wallMs: round(wallMs, 0),
        mainThreadMs: round(main.cpuMs - mainStart.cpuMs, 0),
        runQueueWaitMs: round(main.runQueueWaitMs - mainStart.runQueueWaitMs, 0),
        loopDelayMs: await source.loopDelay().catch(() => null),
        serverMs: round(serverMs, 0),
        databaseMs: databaseMs === null ? null : round(databaseMs, 0),
        clientMs: round(clientMs, 0),
        serverMsPerUnit: perUnit(serverMs),
        mainThreadMsPerUnit: perUnit(main.cpuMs - mainStart.cpuMs),
        databaseMsPerUnit: databaseMs === null ? null : perUnit(databaseMs),
        clientMsPerUnit: perUnit(clientMs),
        serverCores: round(serverMs / wallMs),
      };
    },
  };
}

const clockTickMs = 10;

/** Linux: utime + stime of a process (all its threads) from /proc/<pid>/stat, in ms. */
export function processCpuMs(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    // Fields after the parenthesised command name; utime and stime are fields 14 and 15.
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return (Number(fields[11]) + Number(fields[12])) * clockTickMs;
  } catch {
    return 0;
  }
}

/**
 * CPU of the PostgreSQL backends connected to `database`, found by their process title
 * ("postgres: <cluster>: <user> <database> <client> <state>"). Backends that exit during a
 * phase are not counted; the service keeps its pool open, so that is rare.
 */
export function postgresBackendsCpuMs(database: string): number {
  const marker = ` ${database} `;
  let total = 0;
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    let title: string;
    try {
      title = readFileSync(`/proc/${entry}/cmdline`, "utf8");
    } catch {
      continue;
    }
    if (title.startsWith("postgres:") && title.includes(marker))
      total += processCpuMs(Number(entry));
  }
  return total;
}
