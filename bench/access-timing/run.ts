/**
 * Existence by timing (issue 9, defect 8): does asking for an object that exists but is
 * invisible take longer than asking for one that does not exist? For GetWorkflow and
 * GetExecution, on SQLite and PostgreSQL, a stranger's requests for an owner's workflow (and
 * execution) are interleaved with requests for random ids; the report gives each path's
 * median and the Mann-Whitney z of the two samples (|z| below about 3: no measurable
 * difference).
 *
 *   node --import tsx bench/access-timing/run.ts [--samples 1500] [--db sqlite,postgresql]
 *   (make bench-access)
 */
import { randomUUID } from "node:crypto";
import { loadavg } from "node:os";
import { parseArgs } from "node:util";
import { createClient } from "@connectrpc/connect";
import { createConnectTransport } from "@connectrpc/connect-node";
import { ApiKeyService } from "../../src/gen/waddlebot/workflow/v1/api_key_service_pb.js";
import { ExecutionService } from "../../src/gen/waddlebot/workflow/v1/execution_service_pb.js";
import { WorkflowService } from "../../src/gen/waddlebot/workflow/v1/workflow_service_pb.js";
import { startTestService } from "../../test/support/server-harness.js";
import { modalWorkflow, toCreateRequest } from "../../test/support/workflow-fixtures.js";
import { type BenchDialect, createBenchDatabase } from "../api/bench-database.js";
import { mannWhitneyZ } from "./mann-whitney.js";

const { values } = parseArgs({
  options: {
    samples: { type: "string", default: "1500" },
    warmup: { type: "string", default: "200" },
    db: { type: "string", default: "sqlite,postgresql" },
  },
});
const samples = Number(values.samples);
const warmup = Number(values.warmup);
const dialects = values.db.split(",") as BenchDialect[];

interface Row {
  dialect: BenchDialect;
  rpc: string;
  invisibleMs: number;
  missingMs: number;
  z: number;
}

async function measure(dialect: BenchDialect): Promise<Row[]> {
  const db = await createBenchDatabase(dialect);
  const svc = await startTestService({ db, env: { LOG_LEVEL: "silent" } });
  try {
    const keys = createClient(ApiKeyService, transport(svc.url, svc.adminKey));
    const owner = createClient(WorkflowService, transport(svc.url, svc.adminKey));
    const ownerRuns = createClient(ExecutionService, transport(svc.url, svc.adminKey));
    const { workflow } = await owner.createWorkflow(
      toCreateRequest(modalWorkflow({ communityId: 1, name: "Timed" })),
    );
    const workflowId = workflow?.workflowId ?? "";
    await owner.publishWorkflow({ workflowId });
    const { execution } = await ownerRuns.executeWorkflow({ workflowId, communityId: 1n });
    const executionId = execution?.executionId ?? "";
    const { secret } = await keys.createApiKey({
      name: "stranger",
      principal: { userId: "stranger", roles: ["viewer"], communityIds: [1n] },
    });
    const workflows = createClient(WorkflowService, transport(svc.url, secret));
    const executions = createClient(ExecutionService, transport(svc.url, secret));
    const questions = [
      {
        rpc: "GetWorkflow",
        ask: (id: string) => workflows.getWorkflow({ workflowId: id }),
        existing: workflowId,
      },
      {
        rpc: "GetExecution",
        ask: (id: string) => executions.getExecution({ executionId: id }),
        existing: executionId,
      },
    ];
    const rows: Row[] = [];
    for (const { rpc, ask, existing } of questions) {
      const invisible: number[] = [];
      const missing: number[] = [];
      for (let i = 0; i < warmup + samples; i++) {
        // Alternate which path goes first, so drift and ordering weigh on both alike.
        const order = i % 2 === 0 ? [true, false] : [false, true];
        for (const exists of order) {
          const id = exists ? existing : randomUUID();
          const started = process.hrtime.bigint();
          await ask(id).then(
            () => {
              throw new Error(`${rpc} of ${id} answered`);
            },
            () => undefined,
          );
          const ms = Number(process.hrtime.bigint() - started) / 1e6;
          if (i >= warmup) (exists ? invisible : missing).push(ms);
        }
      }
      rows.push({
        dialect,
        rpc,
        invisibleMs: median(invisible),
        missingMs: median(missing),
        z: mannWhitneyZ(invisible, missing),
      });
    }
    return rows;
  } finally {
    await svc.close();
    await db.drop();
  }
}

function transport(baseUrl: string, apiKey: string) {
  return createConnectTransport({
    baseUrl,
    httpVersion: "1.1",
    interceptors: [
      (next) => (req) => {
        req.header.set("x-api-key", apiKey);
        return next(req);
      },
    ],
  });
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  const value =
    sorted.length % 2 === 1
      ? (sorted[mid] ?? 0)
      : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
  return Math.round(value * 1000) / 1000;
}

const rows: Row[] = [];
for (const dialect of dialects) rows.push(...(await measure(dialect)));
console.log(
  `samples per path: ${samples} (after ${warmup} warm-up), Connect JSON over HTTP/1.1, ` +
    `load average ${loadavg()
      .map((v) => v.toFixed(2))
      .join(" ")}`,
);
console.log("| Database | RPC | invisible (median ms) | missing (median ms) | Mann-Whitney z |");
console.log("|---|---|---|---|---|");
for (const row of rows) {
  console.log(
    `| ${row.dialect} | ${row.rpc} | ${row.invisibleMs} | ${row.missingMs} | ${row.z.toFixed(2)} |`,
  );
}
