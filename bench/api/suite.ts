/** Every API measurement on one database, each configuration on a fresh service and database. */
import { join } from "node:path";
import { type ClosedLoopResult, closedLoop, type PacedResult, paced } from "./ack-latency.js";
import type { BenchClients } from "./bench-clients.js";
import type { BenchDialect } from "./bench-database.js";
import { delayWorkflow, fortyNodeWorkflow, threeNodeWorkflow } from "./bench-workflows.js";
import { type CancelResult, cancelLatency } from "./cancel-latency.js";
import { type CompletionResult, completionRate } from "./completion-rate.js";
import type { CpuUse, ServiceGauges } from "./cpu-use.js";
import { type BenchOptions, type BenchSizes, defaultRunnerConcurrency } from "./options.js";
import { withService } from "./with-service.js";
import { publish, waitUntilDrained } from "./workload.js";

export interface RunnerConfigResult {
  runnerConcurrency: number;
  threeNode: CompletionResult;
  fortyNode: CompletionResult;
}

export interface DialectResult {
  dialect: BenchDialect;
  /** Default configuration (RUNNER_CONCURRENCY 64): the runner completes runs meanwhile. */
  ackClosedLoop: ClosedLoopResult[];
  /** At fixed rates (fraction null), then at fractions of the closed-loop capacity. */
  ackPaced: (PacedResult & { fractionOfClosedLoopRate: number | null })[];
  /** The same closed loops with RUNNER_CONCURRENCY=1, so the runner takes little of the CPU. */
  ackClosedLoopRunnerThrottled: ClosedLoopResult[];
  /** The default configuration first. */
  completions: RunnerConfigResult[];
  cancel: CancelResult;
  /** The .cpuprofile folder when --cpu-prof was given. */
  profileDir: string | null;
}

const log = (line: string) => process.stderr.write(`${line}\n`);
const bound = 600_000;

export async function runDialect(
  dialect: BenchDialect,
  options: BenchOptions,
  profileRoot: string,
): Promise<DialectResult> {
  const s = options.sizes;
  const profileDir = options.cpuProf ? join(profileRoot, dialect) : null;

  log(`[${dialect}] default configuration (RUNNER_CONCURRENCY ${defaultRunnerConcurrency})`);
  const main = await withService(
    {
      dialect,
      nodeArgs: profileDir === null ? [] : ["--cpu-prof", `--cpu-prof-dir=${profileDir}`],
    },
    async (clients, cpu) => {
      const wf3 = await publish(clients, threeNodeWorkflow("bench 3-node"));
      await warmUp(clients, cpu, wf3, s);
      const ackClosedLoop: ClosedLoopResult[] = [];
      for (const callers of s.ackCallers) {
        ackClosedLoop.push(logAck(await closedLoop(clients, cpu, wf3, callers, s.ackRequests)));
        await waitUntilDrained(clients, wf3, s.drainPollMs, bound);
      }
      const capacity = Math.max(...ackClosedLoop.map((a) => a.acksPerSecond));
      const ackPaced: DialectResult["ackPaced"] = [];
      const loads = [
        ...s.pacedRates.map((rate) => ({ rate, fraction: null })),
        ...s.pacedFractions.map((fraction) => ({
          rate: Math.max(10, Math.round((capacity * fraction) / 10) * 10),
          fraction,
        })),
      ];
      for (const { rate, fraction } of loads) {
        const result = await paced(clients, cpu, wf3, rate, s.pacedMs);
        ackPaced.push({ ...result, fractionOfClosedLoopRate: fraction });
        const share = fraction === null ? "fixed" : `${fraction * 100}% of ${capacity}/s`;
        log(
          `  ack paced ${rate}/s (${share}): p50 ${result.latencyMs.p50} ms, ` +
            `p99 ${result.latencyMs.p99} ms, ${waits(result.cpu)}, ${result.errors} errors`,
        );
        await waitUntilDrained(clients, wf3, s.drainPollMs, bound);
      }
      const completion = await completions(clients, cpu, defaultRunnerConcurrency, s);
      const wfDelay = await publish(clients, delayWorkflow("bench delay"));
      const cancel = await cancelLatency(clients, wfDelay, s.cancelRuns);
      log(
        `  cancel: RPC p50 ${cancel.cancelRpcMs.p50} ms, p99 ${cancel.cancelRpcMs.p99} ms; ` +
          `CANCELLED visible p50 ${cancel.cancelledVisibleMs.p50} ms, p99 ${cancel.cancelledVisibleMs.p99} ms`,
      );
      return { ackClosedLoop, ackPaced, completion, cancel };
    },
  );

  const completionsByRunner: RunnerConfigResult[] = [main.completion];
  for (const runnerConcurrency of options.runnerConcurrency) {
    log(`[${dialect}] RUNNER_CONCURRENCY ${runnerConcurrency}`);
    completionsByRunner.push(
      await withService(
        { dialect, env: { RUNNER_CONCURRENCY: String(runnerConcurrency) } },
        async (clients, cpu) => {
          await warmUp(clients, cpu, await publish(clients, threeNodeWorkflow("warm-up")), s);
          return completions(clients, cpu, runnerConcurrency, s);
        },
      ),
    );
  }

  log(`[${dialect}] acknowledgements with RUNNER_CONCURRENCY 1`);
  const ackClosedLoopRunnerThrottled = await withService(
    { dialect, env: { RUNNER_CONCURRENCY: "1" } },
    async (clients, cpu) => {
      const wf3 = await publish(clients, threeNodeWorkflow("bench 3-node"));
      await closedLoop(clients, cpu, wf3, 16, s.warmup);
      const results: ClosedLoopResult[] = [];
      // No draining: the backlog stays pending (the service is dropped afterwards).
      for (const callers of s.ackCallers) {
        results.push(logAck(await closedLoop(clients, cpu, wf3, callers, s.ackRequests)));
      }
      return results;
    },
  );

  return {
    dialect,
    ackClosedLoop: main.ackClosedLoop,
    ackPaced: main.ackPaced,
    ackClosedLoopRunnerThrottled,
    completions: completionsByRunner,
    cancel: main.cancel,
    profileDir,
  };
}

function logAck(result: ClosedLoopResult): ClosedLoopResult {
  const l = result.latencyMs;
  log(
    `  ack, ${result.callers} callers: p50 ${l.p50} ms, p99 ${l.p99} ms, ${result.acksPerSecond}/s, ` +
      `server ${result.cpu.serverMsPerUnit} ms CPU per request, ${waits(result.cpu)}, ${result.errors} errors`,
  );
  return result;
}

function waits(cpu: CpuUse): string {
  const share = (ms: number) => Math.round((ms / Math.max(1, cpu.wallMs)) * 100);
  return (
    `loop delay p99 ${cpu.loopDelayMs?.p99 ?? "?"} ms, main thread ran ${share(cpu.mainThreadMs)}% ` +
    `and waited for a CPU ${share(cpu.runQueueWaitMs)}% of the time`
  );
}

async function completions(
  clients: BenchClients,
  cpu: ServiceGauges,
  runnerConcurrency: number,
  s: BenchSizes,
): Promise<RunnerConfigResult> {
  const run = async (nodes: 3 | 40, executions: number) => {
    const spec =
      nodes === 3
        ? threeNodeWorkflow(`bench 3-node r${runnerConcurrency}`)
        : fortyNodeWorkflow(`bench 40-node r${runnerConcurrency}`);
    const workflowId = await publish(clients, spec);
    const r = await completionRate(
      clients,
      cpu,
      workflowId,
      executions,
      s.submitCallers,
      s.drainPollMs,
    );
    const db = r.cpu.databaseMsPerUnit === null ? "" : ` + ${r.cpu.databaseMsPerUnit} ms database`;
    log(
      `  ${nodes}-node, runner ${runnerConcurrency}: ${r.completedPerSecond} completed/s ` +
        `(${r.completed}/${r.executions} COMPLETED in ${r.totalSeconds} s; ` +
        `${r.cpu.serverMsPerUnit} ms service${db} CPU per execution; ${waits(r.cpu)})`,
    );
    return r;
  };
  return {
    runnerConcurrency,
    threeNode: await run(3, s.batch3),
    fortyNode: await run(40, s.batch40),
  };
}

/** JIT warm-up and connection set-up; the runs are completed before measuring starts. */
async function warmUp(
  clients: BenchClients,
  cpu: ServiceGauges,
  workflowId: string,
  s: BenchSizes,
): Promise<void> {
  await closedLoop(clients, cpu, workflowId, 16, s.warmup);
  await waitUntilDrained(clients, workflowId, s.drainPollMs, bound);
}
