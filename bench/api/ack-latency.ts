/**
 * ExecuteWorkflow acknowledgement latency: the time from sending the request to receiving the
 * stored pending execution. The runner completes those executions in the same process meanwhile.
 *
 * - closed loop: `callers` concurrent callers, each sending its next request when the previous
 *   one is answered, `total` requests in all (throughput is then callers / latency);
 * - paced (open loop): requests started at a fixed rate whatever the answers do, latency counted
 *   from the scheduled start (a slow answer cannot hide the requests queued behind it).
 */
import type { BenchClients } from "./bench-clients.js";
import { type CpuUse, type ServiceGauges, startCpuMeter } from "./cpu-use.js";
import { type LatencySummary, round, summarise } from "./stats.js";
import { errorText, executeRequest } from "./workload.js";

export interface ClosedLoopResult {
  callers: number;
  requests: number;
  latencyMs: LatencySummary;
  acksPerSecond: number;
  errors: number;
  firstError: string | null;
  /** While the requests ran (the runner's work meanwhile included); units are requests. */
  cpu: CpuUse;
}

export async function closedLoop(
  clients: BenchClients,
  server: ServiceGauges,
  workflowId: string,
  callers: number,
  total: number,
): Promise<ClosedLoopResult> {
  const request = executeRequest(workflowId);
  const samples: number[] = [];
  let issued = 0;
  let errors = 0;
  let firstError: string | null = null;
  const caller = async () => {
    while (issued < total) {
      issued++;
      const start = performance.now();
      try {
        await clients.executions.executeWorkflow(request);
        samples.push(performance.now() - start);
      } catch (error) {
        errors++;
        firstError ??= errorText(error);
      }
    }
  };
  const meter = await startCpuMeter(server);
  const start = performance.now();
  await Promise.all(Array.from({ length: callers }, caller));
  const seconds = (performance.now() - start) / 1000;
  const cpu = await meter.read(total);
  return {
    callers,
    requests: total,
    latencyMs: summarise(samples),
    acksPerSecond: round(samples.length / seconds, 0),
    errors,
    firstError,
    cpu,
  };
}

export interface PacedResult {
  ratePerSecond: number;
  requests: number;
  /** From the scheduled start of each request. */
  latencyMs: LatencySummary;
  /** Largest number of requests waiting for their answer at once. */
  maxInFlight: number;
  errors: number;
  firstError: string | null;
  /** While the requests ran; units are requests. */
  cpu: CpuUse;
}

export async function paced(
  clients: BenchClients,
  server: ServiceGauges,
  workflowId: string,
  ratePerSecond: number,
  durationMs: number,
): Promise<PacedResult> {
  const request = executeRequest(workflowId);
  const total = Math.round((ratePerSecond * durationMs) / 1000);
  const interval = 1000 / ratePerSecond;
  const samples: number[] = [];
  const pending = new Set<Promise<void>>();
  let errors = 0;
  let firstError: string | null = null;
  let maxInFlight = 0;
  const meter = await startCpuMeter(server);
  const start = performance.now();
  let sent = 0;
  while (sent < total) {
    const due = Math.min(total, Math.floor((performance.now() - start) / interval) + 1);
    for (; sent < due; sent++) {
      const scheduled = start + sent * interval;
      const call: Promise<void> = clients.executions.executeWorkflow(request).then(
        () => {
          samples.push(performance.now() - scheduled);
        },
        (error: unknown) => {
          errors++;
          firstError ??= errorText(error);
        },
      );
      const tracked = call.finally(() => pending.delete(tracked));
      pending.add(tracked);
    }
    maxInFlight = Math.max(maxInFlight, pending.size);
    await new Promise((resolve) => setTimeout(resolve, 1));
  }
  await Promise.all(pending);
  const cpu = await meter.read(total);
  return {
    ratePerSecond,
    requests: total,
    latencyMs: summarise(samples),
    maxInFlight,
    errors,
    firstError,
    cpu,
  };
}
