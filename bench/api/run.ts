/**
 * API benchmark: the real service as a child process on a fresh SQLite file and/or a fresh
 * PostgreSQL database, loaded over Connect/HTTP/2 from this process. Progress and a markdown
 * table go to stderr, the JSON summary to stdout; both are also written to
 * bench/results/api-<timestamp>.{json,md}. See docs/benchmarks.md.
 *
 *   node --import tsx bench/api/run.ts [--db sqlite|postgresql|both] [--quick]
 *                                      [--runner-concurrency 16,256] [--cpu-prof]
 */
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { type CalibrationResult, calibrate } from "./calibration.js";
import { type FloorResult, frameworkFloor } from "./framework-floor.js";
import { type BenchOptions, parseOptions } from "./options.js";
import { currentLoad, machineInfo, markdown, targets, verdicts } from "./report.js";
import { killAllServiceChildren } from "./service-child.js";
import { type DialectResult, runDialect } from "./suite.js";

const hardLimitMs = 20 * 60_000;

let options: BenchOptions;
try {
  options = parseOptions(process.argv.slice(2));
} catch (error) {
  process.stderr.write(`${(error as Error).message}\n`);
  process.exit(2);
}
const stamp = new Date().toISOString().replace(/[:.]/g, "-");
const resultsDir = fileURLToPath(new URL("../results/", import.meta.url));
const profileRoot = join(resultsDir, "profiles", `api-${stamp}`);
await mkdir(resultsDir, { recursive: true });

// Stopping the children makes the running scenario fail, so every database is still dropped.
let interrupted = false;
process.on("SIGINT", () => {
  if (interrupted) process.exit(130);
  interrupted = true;
  process.stderr.write("interrupted: stopping the service, dropping the databases\n");
  killAllServiceChildren();
});
const watchdog = setTimeout(() => {
  process.stderr.write(`still running after ${hardLimitMs / 60_000} minutes: stopping\n`);
  interrupted = true;
  killAllServiceChildren();
}, hardLimitMs);
watchdog.unref();

const machine = machineInfo();
const startedAt = new Date();
const results: DialectResult[] = [];
let floor: FloorResult | null = null;
const calibration: { start: CalibrationResult[]; end: CalibrationResult[] } = {
  start: [],
  end: [],
};
try {
  calibration.start = await calibrate(options.sizes.calibrationCalls);
  for (const dialect of options.dialects) {
    results.push(await runDialect(dialect, options, profileRoot));
  }
  process.stderr.write("[framework floor] the same acknowledgement loads, server doing no work\n");
  const pacedRates = [...new Set(results.flatMap((r) => r.ackPaced.map((a) => a.ratePerSecond)))];
  floor = await frameworkFloor(
    options.sizes,
    pacedRates.sort((a, b) => a - b),
  );
  calibration.end = await calibrate(options.sizes.calibrationCalls);
} catch (error) {
  process.stderr.write(`benchmark failed: ${(error as Error).stack ?? String(error)}\n`);
  process.exitCode = interrupted ? 130 : 1;
}
clearTimeout(watchdog);
machine.loadAverageEnd = currentLoad();

if (results.length > 0) {
  const summary = {
    benchmark: "api",
    command: `node --import tsx bench/api/run.ts ${process.argv.slice(2).join(" ")}`.trim(),
    startedAt: startedAt.toISOString(),
    durationSeconds: Math.round((Date.now() - startedAt.getTime()) / 1000),
    complete: results.length === options.dialects.length,
    machine,
    calibration,
    frameworkFloor: floor,
    options,
    targets,
    verdicts: verdicts(results),
    results,
  };
  const table = markdown(machine, calibration, results, floor);
  const base = join(resultsDir, `api-${stamp}`);
  await writeFile(`${base}.json`, `${JSON.stringify(summary, null, 2)}\n`);
  await writeFile(`${base}.md`, table);
  process.stderr.write(`\n${table}\nwritten: ${base}.json, ${base}.md\n`);
  process.stdout.write(`${JSON.stringify(summary, null, 2)}\n`);
}
