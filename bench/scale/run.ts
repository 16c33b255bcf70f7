/**
 * Multi-process scale benchmark on one PostgreSQL database (`make bench-scale`):
 *
 * - completed 3-node executions per second and service CPU per execution (all processes
 *   together, from /proc) with 1, 2 and 3 service processes;
 * - cross-process cancel latency (run on process A, CancelExecution sent to B: request to
 *   answer, which waits for the run to be stored cancelled) p50/p99;
 * - cross-process watch delay (run on A, WatchExecution on B: node finished to event received);
 * - time to resume after kill -9: A holds delayed runs and is killed; until every one of them
 *   is claimed by B.
 *
 * Usage: node --import tsx bench/scale/run.ts [--runs 1500] [--samples 60]
 */
import { readFileSync } from "node:fs";
import { type Client, createClient } from "@connectrpc/connect";
import {
  openPersistence,
  type Persistence,
} from "../../src/adapters/persistence/open-persistence.js";
import { ExecutionStatus } from "../../src/gen/waddlebot/workflow/v1/execution_pb.js";
import { ExecutionService } from "../../src/gen/waddlebot/workflow/v1/execution_service_pb.js";
import { WorkflowService } from "../../src/gen/waddlebot/workflow/v1/workflow_service_pb.js";
import {
  type ServiceProcess,
  spawnService,
  within,
} from "../../test/integration/server/service-process.js";
import { createTransport, randomAdminKey } from "../../test/support/server-harness.js";
import { createTestDatabase, type TestDatabase } from "../../test/support/test-database.js";
import {
  chainWorkflow,
  edge,
  node,
  toCreateRequest,
  type WorkflowSpec,
} from "../../test/support/workflow-fixtures.js";

// The test-database helper creates PostgreSQL databases only when asked to.
process.env.TEST_DATABASE = "postgresql";
const args = process.argv.slice(2);
const option = (name: string, fallback: number) => {
  const at = args.indexOf(`--${name}`);
  return at >= 0 ? Number(args[at + 1]) : fallback;
};
const runs = option("runs", 1500);
const samples = option("samples", 60);
const warmUp = option("warm-up", 300);
const community = 1;
const adminKey = randomAdminKey();
const clockTicks = 100;

interface Member {
  proc: ServiceProcess;
  executions: Client<typeof ExecutionService>;
  workflows: Client<typeof WorkflowService>;
}

const waitingWorkflow = (delayMs: number): WorkflowSpec => ({
  name: `wait ${delayMs}`,
  communityId: community,
  nodes: [
    node("start", "trigger_command", { command_pattern: "!go", platforms: ["twitch"] }),
    node("first", "flow_merge"),
    node("wait", "action_delay", { delay_ms: delayMs }),
    node("end", "flow_end"),
  ],
  edges: [
    edge("start", "output", "first"),
    edge("first", "output", "wait"),
    edge("wait", "success", "end"),
  ],
});

async function startMember(db: TestDatabase, env: Record<string, string> = {}): Promise<Member> {
  const proc = spawnService({
    HOST: "127.0.0.1",
    PORT: "0",
    DATABASE_URL: db.databaseUrl as string,
    ADMIN_API_KEY: adminKey,
    LOG_LEVEL: "info",
    METRICS: "false",
    // The cross-process phases measure runs executing in a delay on one process: keep delays
    // in memory (since durable timers, a delay of a second or more parks the run instead).
    RUNNER_PARK_AFTER_MS: "0",
    ...env,
  });
  const started = await within(
    proc.waitFor((line) => line.action === "start"),
    60_000,
    "start-up",
  );
  const url = String(started.url);
  const transport = () => createTransport(url, "connect-h2", adminKey).transport;
  return {
    proc,
    executions: createClient(ExecutionService, transport()),
    workflows: createClient(WorkflowService, transport()),
  };
}

/** User + system CPU of a process (all its threads), in ms. */
function cpuMs(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / clockTicks;
}

const percentile = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
};
const terminal = new Set([
  ExecutionStatus.COMPLETED,
  ExecutionStatus.FAILED,
  ExecutionStatus.CANCELLED,
]);
const round = (n: number) => Math.round(n * 100) / 100;

async function publish(member: Member, spec: WorkflowSpec): Promise<string> {
  const { workflow } = await member.workflows.createWorkflow(toCreateRequest(spec));
  if (workflow === undefined) throw new Error("no workflow");
  await member.workflows.publishWorkflow({ workflowId: workflow.workflowId });
  return workflow.workflowId;
}

/** Submits `count` runs round-robin over the processes, then waits until all completed. */
async function load(
  members: Member[],
  workflowId: string,
  store: Persistence,
  count: number,
): Promise<void> {
  const { total: before = 0 } = await store.executions.list(
    { workflowId, statuses: ["completed"] },
    { kind: "offset", page: 1, perPage: 1 },
  );
  let next = 0;
  await Promise.all(
    Array.from({ length: 32 }, async () => {
      while (next < count) {
        const member = members[next++ % members.length] as Member;
        await member.executions.executeWorkflow({ workflowId, communityId: BigInt(community) });
      }
    }),
  );
  for (;;) {
    const done = await store.executions.list(
      { workflowId, statuses: ["completed"] },
      { kind: "offset", page: 1, perPage: 1 },
    );
    if ((done.total ?? 0) - before >= count) return;
    await new Promise((r) => setTimeout(r, 20));
  }
}

async function throughput(processes: number) {
  const db = await createTestDatabase();
  const members: Member[] = [];
  try {
    for (let i = 0; i < processes; i++) members.push(await startMember(db));
    const workflowId = await publish(
      members[0] as Member,
      chainWorkflow({ communityId: community, length: 1 }),
    );
    const store = await openPersistence({
      databaseUrl: db.databaseUrl,
      sqlitePath: db.sqlitePath,
      migrate: false,
    });
    // Each process warms up first (JIT, statement preparation, connections): otherwise every
    // added process adds its warm-up to the measured CPU, which is what made CPU per execution
    // look as if it grew with the process count.
    await load(members, workflowId, store, warmUp * members.length);
    const before = members.reduce((sum, m) => sum + cpuMs(m.proc.child.pid as number), 0);
    const statementsBefore = await transactions(db);
    const started = performance.now();
    await load(members, workflowId, store, runs);
    const seconds = (performance.now() - started) / 1000;
    const cpu = members.reduce((sum, m) => sum + cpuMs(m.proc.child.pid as number), 0) - before;
    const statements = (await transactions(db)) - statementsBefore;
    await store.close();
    return {
      processes,
      executionsPerSecond: round(runs / seconds),
      serviceCpuMsPerExecution: round(cpu / runs),
      // Autocommit statements and transactions on the database (the benchmark's own polls too).
      transactionsPerExecution: round(statements / runs),
    };
  } finally {
    await stopAll(members);
    await db.drop();
  }
}

async function crossProcess() {
  const db = await createTestDatabase();
  const members: Member[] = [];
  try {
    const a = await startMember(db, { RUNNER_LEASE_SECONDS: "30" });
    members.push(a);
    // B takes no runs of its own: every run is A's.
    const b = await startMember(db, { RUNNER_CONCURRENCY: "1", RUNNER_LEASE_SECONDS: "30" });
    members.push(b);
    const long = await publish(a, waitingWorkflow(60_000));
    const short = await publish(a, waitingWorkflow(30));
    const store = await openPersistence({
      databaseUrl: db.databaseUrl,
      sqlitePath: db.sqlitePath,
      migrate: false,
    });
    const onA = async (workflowId: string) => {
      const { execution } = await a.executions.executeWorkflow({
        workflowId,
        communityId: BigInt(community),
      });
      const id = execution?.executionId as string;
      for (;;) {
        const stored = await store.executions.get(id, { nodeRuns: true, logs: false });
        if (stored?.status === "running" && stored.nodeRuns.length >= 2) return id;
        await new Promise((r) => setTimeout(r, 5));
      }
    };
    // Occupy B's single slot so that it claims nothing.
    await onA(long);

    const cancelMs: number[] = [];
    for (let i = 0; i < samples; i++) {
      const id = await onA(long);
      const t0 = performance.now();
      await b.executions.cancelExecution({ executionId: id });
      cancelMs.push(performance.now() - t0);
    }

    const watchMs: number[] = [];
    for (let i = 0; i < samples; i++) {
      const { execution } = await a.executions.executeWorkflow({
        workflowId: short,
        communityId: BigInt(community),
      });
      for await (const response of b.executions.watchExecution({
        executionId: execution?.executionId as string,
      })) {
        const event = response.event?.event;
        if (event === undefined) continue;
        if (event.case === "nodeRun" && event.value.nodeId === "wait" && event.value.completedAt) {
          const completed =
            Number(event.value.completedAt.seconds) * 1000 + event.value.completedAt.nanos / 1e6;
          watchMs.push(Date.now() - completed);
        }
        if (event.case === "statusChange" && terminal.has(event.value.status)) break;
      }
    }

    // kill -9 with runs in flight: B (now with room) must take every one of them.
    const held: string[] = [];
    for (let i = 0; i < 20; i++) held.push(await onA(long));
    await store.close();
    return { cancelMs, watchMs, held, members, db };
  } catch (error) {
    await stopAll(members);
    await db.drop();
    throw error;
  }
}

async function resumeAfterKill(db: TestDatabase, members: Member[], held: string[]) {
  const [a] = members as [Member, Member];
  // A process with room for the held runs.
  members.push(await startMember(db, { RUNNER_CONCURRENCY: "64" }));
  const t0 = performance.now();
  a.proc.child.kill("SIGKILL");
  // Each held run was claimed once (by A): running under a second claim is running elsewhere.
  for (;;) {
    const rows = await query(
      db,
      "select count(*)::int as n from workflow_executions where execution_id = any($1) and status = 'running' and claim_count >= 2",
      [held],
    );
    if (Number(rows[0]?.n) === held.length) break;
    await new Promise((r) => setTimeout(r, 10));
  }
  return performance.now() - t0;
}

/** Committed transactions of the database so far (statistics lag a little: read twice). */
async function transactions(db: TestDatabase): Promise<number> {
  const rows = await query(
    db,
    "select pg_stat_clear_snapshot(), (select xact_commit + xact_rollback from pg_stat_database where datname = current_database()) as n",
    [],
  );
  return Number(rows[0]?.n);
}

async function query(db: TestDatabase, text: string, values: unknown[]) {
  const pg = (await import("pg")).default;
  const client = new pg.Client({ connectionString: db.databaseUrl });
  await client.connect();
  try {
    return (await client.query(text, values)).rows as Record<string, unknown>[];
  } finally {
    await client.end();
  }
}

async function stopAll(members: Member[]) {
  for (const m of members)
    if (m.proc.child.exitCode === null && m.proc.child.signalCode === null)
      m.proc.child.kill("SIGTERM");
  await Promise.all(members.map((m) => m.proc.exited));
}

const results: Record<string, unknown> = { runs, samples };
results.throughput = [];
for (const processes of [1, 2, 3]) {
  const r = await throughput(processes);
  (results.throughput as unknown[]).push(r);
  console.error(JSON.stringify(r));
}
if (args.includes("--throughput-only")) {
  console.log(JSON.stringify(results, null, 2));
  process.exit(0);
}
const cross = await crossProcess();
results.cancelMs = {
  p50: round(percentile(cross.cancelMs, 50)),
  p99: round(percentile(cross.cancelMs, 99)),
};
results.watchMs = {
  p50: round(percentile(cross.watchMs, 50)),
  p99: round(percentile(cross.watchMs, 99)),
};
try {
  results.resumeAfterKill9Ms = round(await resumeAfterKill(cross.db, cross.members, cross.held));
} finally {
  await stopAll(cross.members);
  await cross.db.drop();
}
console.log(JSON.stringify(results, null, 2));
