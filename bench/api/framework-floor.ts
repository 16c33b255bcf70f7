/**
 * The acknowledgement loads against the framework floor (floor-server.ts): the same client,
 * connection, protocol and message shapes as the service measurements, but a server that does
 * nothing. Its latencies are the part of the service's that the stack and the machine account
 * for before authentication, the database or the runner.
 */
import { type ClosedLoopResult, closedLoop, type PacedResult, paced } from "./ack-latency.js";
import { connectClients } from "./bench-clients.js";
import type { BenchSizes } from "./options.js";
import { startServiceChild } from "./service-child.js";

export interface FloorResult {
  closedLoop: ClosedLoopResult[];
  paced: PacedResult[];
}

const workflowId = "framework-floor";

/** Closed loops as for the service, then paced loads at `pacedRates` (the service's). */
export async function frameworkFloor(
  sizes: BenchSizes,
  pacedRates: readonly number[],
): Promise<FloorResult> {
  const child = await startServiceChild({ env: {}, entry: "bench/api/floor-server.ts" });
  const clients = connectClients(child.url, "unused");
  try {
    const gauges = {
      cpuMs: () => child.cpuMs(),
      mainThread: () => child.mainThread(),
      loopDelay: () => child.loopDelay(),
    };
    await closedLoop(clients, gauges, workflowId, 16, sizes.warmup);
    const loops: ClosedLoopResult[] = [];
    for (const callers of sizes.ackCallers) {
      loops.push(await closedLoop(clients, gauges, workflowId, callers, sizes.ackRequests));
    }
    const pacedResults: PacedResult[] = [];
    for (const rate of pacedRates) {
      pacedResults.push(await paced(clients, gauges, workflowId, rate, sizes.pacedMs));
    }
    return { closedLoop: loops, paced: pacedResults };
  } finally {
    clients.close();
    await child.stop();
  }
}
