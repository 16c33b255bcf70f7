/** Publishing benchmark workflows and counting their executions through the public API. */
import { ConnectError } from "@connectrpc/connect";
import { ExecutionStatus } from "../../src/gen/waddlebot/workflow/v1/execution_pb.js";
import { toCreateRequest, type WorkflowSpec } from "../../test/support/workflow-fixtures.js";
import type { BenchClients } from "./bench-clients.js";
import { benchCommunityId } from "./bench-workflows.js";
import { sleep } from "./stats.js";

export { ExecutionStatus };

/** Creates and publishes; returns the workflow id. */
export async function publish(clients: BenchClients, spec: WorkflowSpec): Promise<string> {
  const { workflow } = await clients.workflows.createWorkflow(toCreateRequest(spec));
  if (workflow === undefined) throw new Error("CreateWorkflow answered without a workflow");
  const { report } = await clients.workflows.publishWorkflow({ workflowId: workflow.workflowId });
  if (report !== undefined && !report.isValid) {
    throw new Error(`${spec.name} is invalid: ${JSON.stringify(report.errors)}`);
  }
  return workflow.workflowId;
}

export function executeRequest(workflowId: string) {
  return {
    workflowId,
    communityId: BigInt(benchCommunityId),
    trigger: { triggerSource: "bench", platform: "twitch", data: { user: "bench" } },
  };
}

/** Executions of the workflow in the given statuses (all when empty), by the COUNT of page 1. */
export async function countExecutions(
  clients: BenchClients,
  workflowId: string,
  statuses: ExecutionStatus[] = [],
): Promise<number> {
  const answer = await clients.executions.listExecutions({
    workflowId,
    statuses,
    page: 1,
    perPage: 1,
  });
  return Number(answer.pagination?.total ?? 0n);
}

export const unfinished = [ExecutionStatus.PENDING, ExecutionStatus.RUNNING];

/**
 * Polls until no execution of the workflow is pending or running; resolves with the
 * performance.now() at which the first empty answer arrived (an upper bound of the last
 * completion, at most one poll interval plus one round trip late).
 */
export async function waitUntilDrained(
  clients: BenchClients,
  workflowId: string,
  pollMs: number,
  boundMs: number,
): Promise<number> {
  const deadline = performance.now() + boundMs;
  for (;;) {
    const left = await countExecutions(clients, workflowId, unfinished);
    const now = performance.now();
    if (left === 0) return now;
    if (now > deadline) {
      throw new Error(`${left} executions of ${workflowId} still unfinished after ${boundMs} ms`);
    }
    await sleep(pollMs);
  }
}

export function errorText(error: unknown): string {
  return error instanceof ConnectError ? `${error.code}: ${error.rawMessage}` : String(error);
}
