/**
 * Chaos on PostgreSQL: three service processes on one database take 1,000 runs (short ones and
 * ones that wait in a delay) while the test, from a seeded PRNG, kill -9s, SIGSTOPs past the
 * lease and SIGTERMs them and starts them again; cancels go to random processes. Then, from
 * the stored records: every acknowledged run is terminal, nothing ran to completion twice, no
 * record of a stale owner or of a node that did not finish, every cancel answer matches the
 * final state. SQLite is one process by design: the SQLite run of the suite does not run it.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { Code, ConnectError } from "@connectrpc/connect";
import {
  openPersistence,
  type Persistence,
} from "../../../src/adapters/persistence/open-persistence.js";
import type { ExecutionWithNodeRuns } from "../../../src/domain/execution/execution.js";
import { ExecutionStatus } from "../../../src/gen/waddlebot/workflow/v1/execution_pb.js";
import { randomAdminKey } from "../../support/server-harness.js";
import { createTestDatabase, type TestDatabase, testDialect } from "../../support/test-database.js";
import {
  chainWorkflow,
  edge,
  node,
  toCreateRequest,
  type WorkflowSpec,
} from "../../support/workflow-fixtures.js";
import { sleep } from "../executions/exec-support.js";
import { Cluster, type Member, seededRandom } from "./cluster.js";

const community = 909;
const totalRuns = 1_000;
const leaseSeconds = 2;
const seed = Number(process.env.CHAOS_SEED ?? 20261204);

const delayed: WorkflowSpec = {
  name: "Chaos delayed",
  communityId: community,
  nodes: [
    node("start", "trigger_command", { command_pattern: "!chaos", platforms: ["twitch"] }),
    node("before", "flow_merge"),
    node("wait", "action_delay", { delay_ms: 600 }),
    node("after", "flow_merge"),
    node("end", "flow_end", { output_expression: "'waited'" }),
  ],
  edges: [
    edge("start", "output", "before"),
    edge("before", "output", "wait"),
    edge("wait", "success", "after"),
    edge("after", "output", "end"),
  ],
};

type CancelAnswer = { id: string; answer: "cancelled" | "refused"; status?: string };

if (testDialect() === "sqlite") {
  // One process owns a SQLite file: there is no cluster to put in disorder.
  console.log(
    "# chaos.test.ts: PostgreSQL only (several processes on one database); not run on SQLite",
  );
} else {
  describe("chaos: three processes on one PostgreSQL, kill -9 / SIGSTOP / SIGTERM", () => {
    let db: TestDatabase;
    let cluster: Cluster;
    let store: Persistence;
    const adminKey = randomAdminKey();

    before(async () => {
      db = await createTestDatabase();
      cluster = new Cluster({
        DATABASE_URL: db.databaseUrl as string,
        ADMIN_API_KEY: adminKey,
        RUNNER_LEASE_SECONDS: String(leaseSeconds),
        RUNNER_CONCURRENCY: "24",
        DATABASE_POOL_SIZE: "6",
        SHUTDOWN_TIMEOUT_MS: "3000",
        // CHAOS_PARK_AFTER_MS=500: the delayed runs park (durable timers) instead of sleeping.
        ...(process.env.CHAOS_PARK_AFTER_MS === undefined
          ? {}
          : { RUNNER_PARK_AFTER_MS: process.env.CHAOS_PARK_AFTER_MS }),
      });
      await cluster.start(3);
    });
    after(async () => {
      await cluster?.shutdown();
      await store?.close();
      await db?.drop();
    });

    it(
      "every acknowledged run ends once, with no stale or phantom records",
      { timeout: 300_000 },
      async () => {
        const random = seededRandom(seed);
        const first = cluster.members[0] as Member;
        const publish = async (spec: WorkflowSpec) => {
          const { workflow } = await first.workflows.createWorkflow(toCreateRequest(spec));
          assert.ok(workflow);
          await first.workflows.publishWorkflow({ workflowId: workflow.workflowId });
          return workflow.workflowId;
        };
        const shortId = await publish(chainWorkflow({ communityId: community, length: 1 }));
        const delayedId = await publish(delayed);
        const nodesOf = new Map([
          [shortId, ["start", "n1", "end"]],
          [delayedId, ["start", "before", "wait", "after", "end"]],
        ]);

        const pick = () => {
          const serving = cluster.members.filter((m) => m.serving);
          return serving[Math.floor(random() * serving.length)];
        };
        /** Calls a serving process; retries elsewhere on transport errors (an answer is required). */
        const call = async <T>(what: (m: Member) => Promise<T>): Promise<T> => {
          for (let attempt = 0; ; attempt++) {
            const member = pick();
            if (member === undefined) {
              await sleep(50);
              continue;
            }
            try {
              return await what(member);
            } catch (error) {
              const code = error instanceof ConnectError ? error.code : null;
              const transport =
                code === Code.Unavailable ||
                code === Code.Unknown ||
                code === Code.Internal ||
                code === Code.DeadlineExceeded ||
                code === Code.Aborted;
              if (!transport || attempt > 50) throw error;
              await sleep(20);
            }
          }
        };

        const acknowledged: string[] = [];
        const cancels: CancelAnswer[] = [];
        let submitted = 0;
        let chaosOn = true;

        const submitter = async () => {
          while (submitted < totalRuns) {
            const n = submitted++;
            const workflowId = random() < 0.5 ? shortId : delayedId;
            // A request whose answer is lost may still have stored the run: only answered ones count.
            const execution = await call((m) =>
              m.executions.executeWorkflow(
                { workflowId, communityId: BigInt(community), idempotencyKey: `chaos-${n}` },
                { timeoutMs: 3_000 },
              ),
            ).then((r) => r.execution);
            if (execution === undefined) continue;
            acknowledged.push(execution.executionId);
            if (random() < 0.06) cancelLater(execution.executionId);
            // Paced, so that the runs are spread over the disorder.
            await sleep(Math.floor(random() * 400));
          }
        };
        const cancelPromises: Promise<void>[] = [];
        const cancelLater = (id: string) => {
          const done = (async () => {
            await sleep(Math.floor(random() * 700));
            const member = pick();
            if (member === undefined) return;
            try {
              const { execution } = await member.executions.cancelExecution(
                { executionId: id },
                { timeoutMs: 20_000 },
              );
              assert.equal(
                execution?.status,
                ExecutionStatus.CANCELLED,
                "an OK answer is CANCELLED",
              );
              cancels.push({ id, answer: "cancelled" });
            } catch (error) {
              if (error instanceof ConnectError && error.code === Code.FailedPrecondition) {
                const status = /it is (\w+)/.exec(error.rawMessage)?.[1];
                cancels.push({ id, answer: "refused", ...(status ? { status } : {}) });
              }
              // Anything else (the process died under the call, a deadline) promises nothing.
            }
          })();
          cancelPromises.push(done);
        };

        const chaos = async () => {
          const actions: string[] = [];
          // Each kind once first, in a seeded order, then at random until the runs are in.
          const firstKinds = [0.1, 0.5, 0.9].sort(() => random() - 0.5);
          while (chaosOn || actions.length < firstKinds.length) {
            await sleep(800 + Math.floor(random() * 900));
            const victims = cluster.members.filter((m) => m.serving);
            if (victims.length < 2) continue;
            const victim = victims[Math.floor(random() * victims.length)] as Member;
            const roll = firstKinds[actions.length] ?? random();
            if (roll < 0.4) {
              actions.push(`kill -9 #${victim.index}`);
              await cluster.kill9(victim);
              await cluster.restart(victim);
            } else if (roll < 0.7) {
              actions.push(`SIGSTOP #${victim.index}`);
              cluster.stop(victim);
              await sleep(leaseSeconds * 1000 + 1_500);
              cluster.resume(victim);
            } else {
              actions.push(`SIGTERM #${victim.index}`);
              assert.equal(await cluster.terminate(victim), 0, "a graceful stop exits 0");
              await cluster.restart(victim);
            }
          }
          return actions;
        };

        const chaosDone = chaos();
        await Promise.all(Array.from({ length: 12 }, submitter));
        await Promise.all(cancelPromises);
        chaosOn = false;
        const actions = await chaosDone;

        // Everything settles once the disorder ends.
        store = await openPersistence({
          databaseUrl: db.databaseUrl,
          sqlitePath: db.sqlitePath,
          migrate: false,
        });
        const ended = new Map<string, ExecutionWithNodeRuns>();
        const deadline = Date.now() + 90_000;
        for (const id of acknowledged) {
          for (;;) {
            const stored = await store.executions.get(id, { nodeRuns: true, logs: false });
            assert.ok(stored, `${id} is stored`);
            if (["completed", "failed", "cancelled"].includes(stored.status)) {
              ended.set(id, stored);
              break;
            }
            assert.ok(
              Date.now() < deadline,
              `${id} stuck ${stored.status} after: ${actions.join(", ")}`,
            );
            await sleep(100);
          }
        }
        assert.equal(ended.size, acknowledged.length, "every acknowledged run is terminal");

        for (const [id, run] of ended) {
          const nodes = nodesOf.get(run.workflowId) as string[];
          const records = run.nodeRuns.map((r) => `${r.nodeId}:${r.status}`);
          const sequences = run.nodeRuns.map((r) => r.sequence);
          assert.equal(new Set(sequences).size, sequences.length, `${id}: unique sequences`);
          const completed = run.nodeRuns
            .filter((r) => r.status === "completed")
            .map((r) => r.nodeId);
          assert.equal(
            new Set(completed).size,
            completed.length,
            `${id}: no node completed twice: ${records}`,
          );
          const ids = run.nodeRuns.map((r) => r.nodeId);
          assert.equal(
            new Set(ids).size,
            ids.length,
            `${id}: one record per node (no stale owner's, no phantom): ${records}`,
          );
          if (run.status === "completed") {
            assert.deepEqual(
              records,
              nodes.map((n) => `${n}:completed`),
              `${id}: exactly its nodes`,
            );
          } else {
            assert.equal(run.status, "cancelled", `${id}: ${run.errorReason} ${run.errorMessage}`);
            assert.ok(run.cancelRequestedAt !== null, `${id}: cancelled only on request`);
          }
        }
        for (const cancel of cancels) {
          const final = ended.get(cancel.id)?.status;
          if (cancel.answer === "cancelled")
            assert.equal(final, "cancelled", `${cancel.id}: answered CANCELLED`);
          else assert.equal(final, cancel.status, `${cancel.id}: refused naming ${cancel.status}`);
        }
        // Nothing left open in the database, acknowledged or not.
        for (const workflowId of [shortId, delayedId]) {
          const open = await store.executions.list(
            { workflowId, statuses: ["pending", "running"] },
            { kind: "offset", page: 1, perPage: 10 },
          );
          assert.equal(
            open.total,
            0,
            `nothing stays pending or running after: ${actions.join(", ")}`,
          );
        }
        console.log(
          `# chaos seed ${seed}: ${acknowledged.length} runs, ${cancels.length} cancel answers, ${actions.join(", ")}`,
        );
      },
    );
  });
}
