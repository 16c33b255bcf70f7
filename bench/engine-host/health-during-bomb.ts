/**
 * /health and GetExecution latency of the service (a child process on SQLite) while expression
 * bombs keep every engine worker computing, beside the same figures with the service idle.
 */
import http from "node:http";
import type { AddressInfo } from "node:net";
import { ExecutionStatus } from "../../src/gen/waddlebot/workflow/v1/execution_pb.js";
import { expressionBombWorkflow } from "../../test/support/bomb-workflows.js";
import { quickWorkflow, toCreateRequest } from "../../test/support/workflow-fixtures.js";
import type { BenchClients } from "../api/bench-clients.js";
import { type LatencySummary, sleep, summarise } from "../api/stats.js";
import { withService } from "../api/with-service.js";

export interface HealthRow {
  phase: string;
  health: LatencySummary;
  getExecution: LatencySummary;
}

/** A webhook target that answers at once (the bombs call it before they compute). */
async function hookServer(): Promise<{ url: string; close: () => Promise<void> }> {
  const server = http.createServer((req, res) => {
    req.resume();
    req.on("end", () => res.end("{}"));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

async function sample(url: string, clients: BenchClients, executionId: string, count: number) {
  const health: number[] = [];
  const get: number[] = [];
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  for (let i = 0; i < count; i++) {
    let t = performance.now();
    await new Promise<void>((resolve, reject) => {
      http
        .get(`${url}/health`, { agent }, (res) => {
          res.resume();
          res.on("end", () => (res.statusCode === 200 ? resolve() : reject(new Error("health"))));
        })
        .on("error", reject);
    });
    health.push(performance.now() - t);
    t = performance.now();
    await clients.executions.getExecution({ executionId });
    get.push(performance.now() - t);
    await sleep(5);
  }
  agent.destroy();
  return { health: summarise(health), getExecution: summarise(get) };
}

export async function measureHealthDuringBomb(
  workers: number,
  samples: number,
): Promise<HealthRow[]> {
  const hooks = await hookServer();
  try {
    return await withService(
      {
        dialect: "sqlite",
        env: {
          OUTBOUND_ALLOW_HOSTS: "127.0.0.1",
          ENGINE_WORKERS: String(workers),
          RUN_SEGMENT_CPU_MS: "600000",
          RUNNER_POLL_MS: "50",
        },
      },
      async (clients) => {
        const create = async (spec: Parameters<typeof toCreateRequest>[0]) => {
          const { workflow } = await clients.workflows.createWorkflow(toCreateRequest(spec));
          const workflowId = workflow?.workflowId ?? "";
          await clients.workflows.publishWorkflow({ workflowId });
          return workflowId;
        };
        const quickId = await create(quickWorkflow({ communityId: 1 }));
        const bombId = await create(
          expressionBombWorkflow({ communityId: 1, hookBaseUrl: hooks.url, expressions: 400 }),
        );
        const { execution } = await clients.executions.executeWorkflow({
          workflowId: quickId,
          communityId: 1n,
        });
        const unrelated = execution?.executionId ?? "";
        await sleep(500);
        const rows: HealthRow[] = [];
        rows.push({
          phase: "idle",
          ...(await sample(clients.baseUrl, clients, unrelated, samples)),
        });
        const bombs: string[] = [];
        for (let i = 0; i < workers; i++) {
          const started = await clients.executions.executeWorkflow({
            workflowId: bombId,
            communityId: 1n,
          });
          bombs.push(started.execution?.executionId ?? "");
        }
        await sleep(1000);
        rows.push({
          phase: `${workers} bombs computing (every worker busy)`,
          ...(await sample(clients.baseUrl, clients, unrelated, samples)),
        });
        for (const id of bombs) {
          const { execution: bomb } = await clients.executions.getExecution({ executionId: id });
          if (bomb?.status !== ExecutionStatus.RUNNING)
            throw new Error(`bomb ${id} was not running during the samples`);
        }
        return rows;
      },
    );
  } finally {
    await hooks.close();
  }
}
