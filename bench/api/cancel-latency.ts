/**
 * Cancel-to-stop: a run of the delay workflow is started and, once it is inside the delay (its
 * trigger's node run is stored), CancelExecution is timed (the RPC answers after the local run
 * has ended), as is the time until GetExecution reports CANCELLED. One run at a time.
 */
import type { BenchClients } from "./bench-clients.js";
import { type LatencySummary, sleep, summarise } from "./stats.js";
import { ExecutionStatus, executeRequest } from "./workload.js";

export interface CancelResult {
  runs: number;
  /** CancelExecution round trip. */
  cancelRpcMs: LatencySummary;
  /** From sending CancelExecution until a GetExecution answered CANCELLED. */
  cancelledVisibleMs: LatencySummary;
  /** Runs whose CancelExecution answer already carried CANCELLED. */
  answeredCancelled: number;
  notCancelled: number;
}

export async function cancelLatency(
  clients: BenchClients,
  workflowId: string,
  runs: number,
): Promise<CancelResult> {
  const rpc: number[] = [];
  const visible: number[] = [];
  let answeredCancelled = 0;
  let notCancelled = 0;
  for (let i = 0; i < runs; i++) {
    const { execution } = await clients.executions.executeWorkflow(executeRequest(workflowId));
    const executionId = execution?.executionId ?? "";
    await waitUntilInDelay(clients, executionId);
    const start = performance.now();
    const answer = await clients.executions.cancelExecution({ executionId, reason: "bench" });
    rpc.push(performance.now() - start);
    if (answer.execution?.status === ExecutionStatus.CANCELLED) answeredCancelled++;
    const deadline = start + 30_000;
    for (;;) {
      const { execution: now } = await clients.executions.getExecution({
        executionId,
        omitNodeRuns: true,
      });
      if (now?.status === ExecutionStatus.CANCELLED) {
        visible.push(performance.now() - start);
        break;
      }
      if (performance.now() > deadline) {
        notCancelled++;
        break;
      }
      await sleep(1);
    }
  }
  return {
    runs,
    cancelRpcMs: summarise(rpc),
    cancelledVisibleMs: summarise(visible),
    answeredCancelled,
    notCancelled,
  };
}

async function waitUntilInDelay(clients: BenchClients, executionId: string): Promise<void> {
  const deadline = performance.now() + 30_000;
  for (;;) {
    const { execution } = await clients.executions.getExecution({ executionId, omitLogs: true });
    const running = execution?.status === ExecutionStatus.RUNNING;
    if (running && execution.nodeRuns.some((r) => r.nodeId === "start")) return;
    if (performance.now() > deadline) {
      throw new Error(`execution ${executionId} did not reach its delay within 30 s`);
    }
    await sleep(2);
  }
}
