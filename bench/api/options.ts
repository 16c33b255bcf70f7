/** Command-line options of bench/api/run.ts. */
import type { BenchDialect } from "./bench-database.js";

export interface BenchOptions {
  dialects: BenchDialect[];
  quick: boolean;
  /** Write a V8 CPU profile of the default-configuration service (bench/results/profiles). */
  cpuProf: boolean;
  /** Runner concurrency values tried for completions besides the default (64). */
  runnerConcurrency: number[];
  sizes: BenchSizes;
}

export interface BenchSizes {
  warmup: number;
  ackRequests: number;
  ackCallers: number[];
  /** Paced loads as fractions of the closed-loop acknowledgement rate with the most callers. */
  pacedFractions: number[];
  /** Paced loads at fixed rates (per second), the same on every run and database. */
  pacedRates: number[];
  pacedMs: number;
  batch3: number;
  batch40: number;
  submitCallers: number;
  cancelRuns: number;
  drainPollMs: number;
  calibrationCalls: number;
}

const full: BenchSizes = {
  warmup: 500,
  ackRequests: 3_000,
  ackCallers: [2, 4, 16, 64],
  pacedFractions: [0.25, 0.5],
  pacedRates: [100, 200],
  pacedMs: 5_000,
  batch3: 5_000,
  batch40: 1_000,
  submitCallers: 64,
  cancelRuns: 50,
  drainPollMs: 100,
  calibrationCalls: 3_000,
};

const quick: BenchSizes = {
  warmup: 200,
  ackRequests: 500,
  ackCallers: [16, 64],
  pacedFractions: [0.5],
  pacedRates: [100],
  pacedMs: 1_000,
  batch3: 500,
  batch40: 100,
  submitCallers: 64,
  cancelRuns: 5,
  drainPollMs: 100,
  calibrationCalls: 500,
};

export const usage = `usage: node --import tsx bench/api/run.ts [options]
  --db sqlite|postgresql|both   databases to run on (default both)
  --quick                       a short smoke run
  --runner-concurrency 16,256   RUNNER_CONCURRENCY values tried besides the default 64
  --cpu-prof                    CPU-profile the default-configuration service
PostgreSQL: databases are created on TEST_POSTGRES_URL (default postgres://postgres@127.0.0.1:5432/test).`;

export function parseOptions(argv: readonly string[]): BenchOptions {
  let db = "both";
  let isQuick = false;
  let cpuProf = false;
  let runnerConcurrency = [16, 256];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    const [name, inline] = arg.includes("=") ? arg.split("=", 2) : [arg, undefined];
    const value = () => inline ?? argv[++i] ?? "";
    if (name === "--db") db = value();
    else if (name === "--quick") isQuick = true;
    else if (name === "--cpu-prof") cpuProf = true;
    else if (name === "--runner-concurrency") {
      runnerConcurrency = value()
        .split(",")
        .filter((v) => v.trim() !== "")
        .map(Number);
      if (runnerConcurrency.some((n) => !Number.isInteger(n) || n < 1)) {
        throw new Error(`--runner-concurrency takes positive integers\n${usage}`);
      }
    } else if (name === "--help" || name === "-h") {
      process.stdout.write(`${usage}\n`);
      process.exit(0);
    } else throw new Error(`unknown option ${arg}\n${usage}`);
  }
  const dialects: BenchDialect[] =
    db === "both" ? ["sqlite", "postgresql"] : db === "sqlite" || db === "postgresql" ? [db] : [];
  if (dialects.length === 0) throw new Error(`--db must be sqlite, postgresql or both\n${usage}`);
  return {
    dialects,
    quick: isQuick,
    cpuProf,
    runnerConcurrency: runnerConcurrency.filter((n) => n !== defaultRunnerConcurrency),
    sizes: isQuick ? quick : full,
  };
}

export const defaultRunnerConcurrency = 64;
