/**
 * The engine host benchmark: /health and GetExecution latency while expression bombs keep every
 * engine worker busy, and the CPU cost of the worker pool per execution against the engine
 * in-process. Bounded (fixed sample and execution counts), about two minutes.
 * Run: make bench-engine-host (node --import tsx bench/engine-host/run.ts [--quick])
 */
import { availableParallelism, loadavg } from "node:os";
import { measureHealthDuringBomb } from "./health-during-bomb.js";
import { measureOverhead } from "./host-overhead.js";

const quick = process.argv.includes("--quick");
const workers = availableParallelism();
const watchdog = setTimeout(() => {
  process.stderr.write("bench/engine-host: did not finish in 10 minutes\n");
  process.exit(1);
}, 600_000);
watchdog.unref();

const load = () =>
  loadavg()
    .map((v) => v.toFixed(2))
    .join(" ");
console.log(`machine: ${workers} vCPU, load average before: ${load()}`);

const health = await measureHealthDuringBomb(workers, quick ? 100 : 400);
console.log("\n| phase | /health p50 | p99 | max | GetExecution p50 | p99 | max |");
console.log("|---|---:|---:|---:|---:|---:|---:|");
for (const row of health) {
  const h = row.health;
  const g = row.getExecution;
  console.log(
    `| ${row.phase} | ${h.p50} ms | ${h.p99} ms | ${h.max} ms | ${g.p50} ms | ${g.p99} ms | ${g.max} ms |`,
  );
}

const overhead = await measureOverhead(quick ? 500 : 3000);
console.log("\n| workflow | host | executions | CPU per execution | wall |");
console.log("|---|---|---:|---:|---:|");
for (const row of overhead) {
  console.log(
    `| ${row.workflow} | ${row.host} | ${row.executions} | ${row.cpuUsPerExecution} µs | ${row.wallMs} ms |`,
  );
}
console.log(`\nload average after: ${load()}`);
