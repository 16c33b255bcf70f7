/**
 * Execution lifecycle cost (UUIDv7 ids, as the service uses) in the persistence adapter: insert → claim → one append of three node
 * runs → finish, on a fresh database of the dialect TEST_DATABASE selects (see
 * test/support/test-database.ts). Prints JSON; not part of `make test`.
 *
 *   TEST_DATABASE=sqlite node --import tsx bench/persistence/lifecycle.ts [executions] [concurrency]
 *   TEST_DATABASE=postgresql node --import tsx bench/persistence/lifecycle.ts 20000 32
 */
import { v7 as uuidv7 } from "uuid";
import { openPersistence } from "../../src/adapters/persistence/open-persistence.js";
import type { Execution } from "../../src/domain/execution/execution.js";
import type { NodeRun } from "../../src/domain/execution/node-run.js";
import type { Workflow } from "../../src/domain/workflow/workflow.js";
import {
  anExecution,
  creationAudit,
  versionOf,
} from "../../test/integration/persistence/fixtures.js";
import { createTestDatabase } from "../../test/support/test-database.js";

const total = Number(process.argv[2] ?? 10_000);
const concurrency = Number(process.argv[3] ?? 16);
const claimBatch = 32;

const database = await createTestDatabase();
const persistence = await openPersistence({
  databaseUrl: database.databaseUrl,
  sqlitePath: database.sqlitePath,
  poolSize: concurrency,
});
const { executions } = persistence;

const now = new Date();
const workflow: Workflow = {
  workflowId: uuidv7(),
  communityId: 1,
  entityId: 1,
  name: "bench",
  description: "",
  tags: [],
  status: "published",
  version: 1,
  definition: { globalVariables: {}, nodes: [], connections: [], limits: {} },
  ownerUserId: "bench",
  createdAt: now,
  updatedAt: now,
  publishedVersion: 1,
  publishedAt: now,
};
await persistence.workflows.create(workflow, versionOf(workflow, "bench"));

const execution = (i: number): Execution =>
  anExecution(workflow, {
    executionId: uuidv7(),
    triggeredBy: "bench",
    inputVariables: { i },
    createdAt: new Date(now.getTime() + i),
  });

const run = (sequence: number): NodeRun => ({
  sequence,
  nodeId: `n${sequence}`,
  nodeType: "action_set_variable",
  status: "completed",
  attempt: 1,
  startedAt: now,
  completedAt: now,
  durationMs: 0.2,
  input: { a: sequence },
  output: { ok: true },
  outputTruncated: false,
  outputPort: "success",
  logs: [{ time: now, message: "set" }],
  errorReason: null,
  errorMessage: null,
  iterations: 0,
  operations: 1,
  iterationPath: [],
  simulatedRequest: null,
});

/** CPU time this process spent (user + system, all threads), in ms, per phase. */
const cpuMs: Record<string, number> = {};

/**
 * Runs `work(i)` for i in [0, count) with `concurrency` in flight; returns elapsed ms and
 * records the process's CPU time for the phase.
 */
async function timed(
  phase: string,
  count: number,
  work: (i: number) => Promise<unknown>,
): Promise<number> {
  let next = 0;
  const cpuBefore = process.cpuUsage();
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < count) await work(next++);
    }),
  );
  const cpu = process.cpuUsage(cpuBefore);
  cpuMs[phase] = Math.round((cpu.user + cpu.system) / 1000);
  return performance.now() - started;
}

const ids: string[] = [];
const insertMs = await timed("insert", total, async (i) => {
  const e = execution(i);
  ids.push(e.executionId);
  await executions.insert(e, creationAudit(e));
});
const claimed: string[] = [];
const claimMs = await timed("claim", Math.ceil(total / claimBatch), async () => {
  const batch = await executions.claim(
    "bench",
    new Date(),
    new Date(Date.now() + 60_000),
    claimBatch,
  );
  for (const c of batch) claimed.push(c.execution.executionId);
});
const appendMs = await timed("append3", total, (i) =>
  executions.appendNodeRuns(ids[i] as string, [run(1), run(2), run(3)], { done: 3 }),
);
const finishMs = await timed("finish", total, (i) =>
  executions.finish(ids[i] as string, {
    status: "completed",
    completedAt: new Date(),
    durationMs: 1,
    nodesExecuted: 3,
    failedNodes: [],
    errorReason: null,
    errorMessage: null,
    errorNodeId: null,
    finalOutput: { ok: true },
    finalVariables: {},
    totalNodes: 3,
  }),
);
const listStarted = performance.now();
let cursor: string | null = null;
let listed = 0;
do {
  const page = await executions.list(
    { workflowId: workflow.workflowId },
    { kind: "cursor", cursor, perPage: 100 },
  );
  listed += page.items.length;
  cursor = page.nextCursor;
} while (cursor !== null);
const listMs = performance.now() - listStarted;

await persistence.close();
await database.drop();

const perExecutionUs = ((insertMs + claimMs + appendMs + finishMs) * 1000) / total;
const cpuPerExecutionUs =
  (((cpuMs.insert ?? 0) + (cpuMs.claim ?? 0) + (cpuMs.append3 ?? 0) + (cpuMs.finish ?? 0)) * 1000) /
  total;
console.log(
  JSON.stringify(
    {
      dialect: database.dialect,
      executions: total,
      concurrency,
      claimed: claimed.length,
      listed,
      ms: {
        insert: Math.round(insertMs),
        claim: Math.round(claimMs),
        append3: Math.round(appendMs),
        finish: Math.round(finishMs),
        cursorListAll: Math.round(listMs),
      },
      cpuMs,
      perExecutionUs: Math.round(perExecutionUs),
      cpuPerExecutionUs: Math.round(cpuPerExecutionUs),
      lifecyclesPerSecond: Math.round(1_000_000 / perExecutionUs),
    },
    null,
    2,
  ),
);
