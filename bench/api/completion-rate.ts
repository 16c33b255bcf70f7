/**
 * Completed executions per second: a fixed batch submitted as fast as `callers` concurrent
 * callers can, then the time from the first submit to the last completion. The runner claims
 * oldest first, so the last completion is read from the completion times of the newest
 * executions once none is pending or running (the poll that sees that only bounds it). Every
 * execution must end COMPLETED.
 */
import { timestampDate } from "@bufbuild/protobuf/wkt";
import type { BenchClients } from "./bench-clients.js";
import { type CpuUse, type ServiceGauges, startCpuMeter } from "./cpu-use.js";
import { round } from "./stats.js";
import {
  countExecutions,
  ExecutionStatus,
  errorText,
  executeRequest,
  waitUntilDrained,
} from "./workload.js";

export interface CompletionResult {
  executions: number;
  /** Executions per second from the first submit to the last completion. */
  completedPerSecond: number;
  totalSeconds: number;
  /** When the drain poll saw nothing left (an upper bound of totalSeconds). */
  drainSeenSeconds: number;
  /** How long submitting the batch took, and the acknowledgements per second meanwhile. */
  submitSeconds: number;
  submitPerSecond: number;
  completed: number;
  notCompleted: number;
  submitErrors: number;
  firstError: string | null;
  /** From the first submit until the drain was seen; units are executions. */
  cpu: CpuUse;
}

export async function completionRate(
  clients: BenchClients,
  server: ServiceGauges,
  workflowId: string,
  executions: number,
  callers: number,
  pollMs: number,
): Promise<CompletionResult> {
  const request = executeRequest(workflowId);
  let issued = 0;
  let errors = 0;
  let firstError: string | null = null;
  const caller = async () => {
    while (issued < executions) {
      issued++;
      try {
        await clients.executions.executeWorkflow(request);
      } catch (error) {
        errors++;
        firstError ??= errorText(error);
      }
    }
  };
  const meter = await startCpuMeter(server);
  const startWall = Date.now();
  const start = performance.now();
  await Promise.all(Array.from({ length: callers }, caller));
  const submitted = performance.now();
  const drained = await waitUntilDrained(clients, workflowId, pollMs, 600_000);
  const cpu = await meter.read(executions);
  const drainSeenSeconds = (drained - start) / 1000;
  const lastCompletion = await lastCompletionOfNewest(clients, workflowId);
  const totalSeconds =
    lastCompletion === null
      ? drainSeenSeconds
      : Math.min(drainSeenSeconds, (lastCompletion - startWall) / 1000);
  const completed = await countExecutions(clients, workflowId, [ExecutionStatus.COMPLETED]);
  const all = await countExecutions(clients, workflowId);
  const submitSeconds = (submitted - start) / 1000;
  return {
    executions,
    completedPerSecond: round(completed / totalSeconds, 0),
    totalSeconds: round(totalSeconds),
    drainSeenSeconds: round(drainSeenSeconds),
    submitSeconds: round(submitSeconds),
    submitPerSecond: round((executions - errors) / submitSeconds, 0),
    completed,
    notCompleted: all - completed,
    submitErrors: errors,
    firstError,
    cpu,
  };
}

/** The latest completion time (epoch ms) among the 100 newest executions. */
async function lastCompletionOfNewest(
  clients: BenchClients,
  workflowId: string,
): Promise<number | null> {
  const page = await clients.executions.listExecutions({ workflowId, page: 1, perPage: 100 });
  let last: number | null = null;
  for (const execution of page.executions) {
    if (execution.completedAt === undefined) continue;
    const at = timestampDate(execution.completedAt).getTime();
    if (last === null || at > last) last = at;
  }
  return last;
}
