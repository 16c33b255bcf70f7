/**
 * Where the service's SQLite time goes, statement by statement: the service runs in this
 * process on a temp SQLite file with better-sqlite3's Statement methods wrapped in timers, and
 * the same loads as run.ts are applied (a 3-node batch, a 40-node batch, a paced 100/s run).
 * A diagnostic, not a benchmark: the load generator shares the process.
 *
 *   node --import tsx bench/api/sqlite-statement-times.ts
 */
import { randomBytes } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startService } from "../../src/composition/start-service.js";
import { parseConfig } from "../../src/config.js";
import { closedLoop, paced } from "./ack-latency.js";
import { connectClients } from "./bench-clients.js";
import { fortyNodeWorkflow, threeNodeWorkflow } from "./bench-workflows.js";
import { completionRate } from "./completion-rate.js";
import type { ServiceGauges } from "./cpu-use.js";
import { publish, waitUntilDrained } from "./workload.js";

// better-sqlite3 ships no types; only the Statement prototype is needed here.
const Database = createRequire(import.meta.url)("better-sqlite3") as new (
  file: string,
) => { prepare(sql: string): object };
const times = new Map<string, { calls: number; ns: bigint }>();
const statementPrototype = Object.getPrototypeOf(
  new Database(":memory:").prepare("select 1"),
) as Record<string, (...args: unknown[]) => unknown>;
for (const method of ["run", "all", "get"]) {
  const original = statementPrototype[method] as (...args: unknown[]) => unknown;
  statementPrototype[method] = function (this: { source: string }, ...args: unknown[]) {
    const start = process.hrtime.bigint();
    try {
      return original.apply(this, args);
    } finally {
      const key = this.source.replace(/\s+/g, " ").trim().slice(0, 90);
      const entry = times.get(key) ?? { calls: 0, ns: 0n };
      entry.calls++;
      entry.ns += process.hrtime.bigint() - start;
      times.set(key, entry);
    }
  };
}

const folder = await mkdtemp(join(tmpdir(), "wf-sqlite-times-"));
const adminKey = `bench-admin-${randomBytes(16).toString("hex")}`;
const service = await startService(
  parseConfig({
    HOST: "127.0.0.1",
    PORT: "0",
    SQLITE_PATH: join(folder, "workflows.sqlite"),
    LOG_LEVEL: "error",
    ADMIN_API_KEY: adminKey,
  }),
);
const clients = connectClients(service.url, adminKey);
// In-process: no child to read /proc from.
const gauges: ServiceGauges = {
  cpuMs: () => 0,
  mainThread: () => ({ cpuMs: 0, runQueueWaitMs: 0 }),
  loopDelay: async () => ({ p50: 0, p99: 0, max: 0, mean: 0 }),
};

async function measure(label: string, executions: number, work: () => Promise<void>) {
  times.clear();
  await work();
  let total = 0n;
  for (const entry of times.values()) total += entry.ns;
  const us = (ns: bigint) => Number(ns / 1000n);
  process.stdout.write(
    `\n${label}: ${executions} executions, ${(us(total) / executions).toFixed(0)} µs of SQLite per execution\n`,
  );
  process.stdout.write("   total ms   calls  per call µs  per execution µs  statement\n");
  const rows = [...times].sort((a, b) => Number(b[1].ns - a[1].ns)).slice(0, 12);
  for (const [sql, e] of rows) {
    process.stdout.write(
      `${String(Math.round(us(e.ns) / 1000)).padStart(11)} ${String(e.calls).padStart(7)} ` +
        `${(us(e.ns) / e.calls).toFixed(1).padStart(12)} ${(us(e.ns) / executions).toFixed(1).padStart(17)}  ${sql}\n`,
    );
  }
}

try {
  const warm = await publish(clients, threeNodeWorkflow("warm-up"));
  await closedLoop(clients, gauges, warm, 16, 500);
  await waitUntilDrained(clients, warm, 100, 60_000);
  const three = await publish(clients, threeNodeWorkflow("3-node"));
  await measure("3-node batch, 64 callers", 2000, async () => {
    await completionRate(clients, gauges, three, 2000, 64, 100);
  });
  const forty = await publish(clients, fortyNodeWorkflow("40-node"));
  await measure("40-node batch, 64 callers", 500, async () => {
    await completionRate(clients, gauges, forty, 500, 64, 100);
  });
  const slow = await publish(clients, threeNodeWorkflow("3-node paced"));
  await measure("3-node paced 100/s", 500, async () => {
    await paced(clients, gauges, slow, 100, 5000);
    await waitUntilDrained(clients, slow, 100, 60_000);
  });
} finally {
  clients.close();
  await service.stop();
  await rm(folder, { recursive: true, force: true });
}
