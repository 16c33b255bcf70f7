/**
 * Processes on one PostgreSQL database reach each other without polling: every process here
 * polls once a minute and holds leases for an hour, so only notifications (and liveness
 * locks) can explain runs being woken, cancelled, watched and resumed in time. The guards are
 * hang guards far below those intervals, not speed checks. SQLite is one process by design.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import pg from "pg";
import {
  ExecutionStatus,
  NodeStatus,
} from "../../../src/gen/waddlebot/workflow/v1/execution_pb.js";
import { randomAdminKey } from "../../support/server-harness.js";
import { createTestDatabase, type TestDatabase, testDialect } from "../../support/test-database.js";
import { edge, node, toCreateRequest, type WorkflowSpec } from "../../support/workflow-fixtures.js";
import { isTerminal, sleep } from "../executions/exec-support.js";
import { within } from "../server/service-process.js";
import { Cluster, type Member } from "./cluster.js";

const community = 919;
const guardMs = 20_000;

const waiting = (delayMs: number): WorkflowSpec => ({
  name: `wait ${delayMs}`,
  communityId: community,
  nodes: [
    node("start", "trigger_command", { command_pattern: "!go", platforms: ["twitch"] }),
    node("first", "flow_merge"),
    node("wait", "action_delay", { delay_ms: delayMs }),
    node("end", "flow_end", { output_expression: "'done'" }),
  ],
  edges: [
    edge("start", "output", "first"),
    edge("first", "output", "wait"),
    edge("wait", "success", "end"),
  ],
});

/** A short delay (in memory) while a watch starts, then a long one that parks the run. */
const parksAfterABreath: WorkflowSpec = {
  name: "parks after a breath",
  communityId: community,
  nodes: [
    node("start", "trigger_command", { command_pattern: "!go", platforms: ["twitch"] }),
    node("breath", "action_delay", { delay_ms: 3_000 }),
    node("wait", "action_delay", { delay_ms: 240_000 }),
    node("end", "flow_end", { output_expression: "'done'" }),
  ],
  edges: [
    edge("start", "output", "breath"),
    edge("breath", "success", "wait"),
    edge("wait", "success", "end"),
  ],
};

if (testDialect() === "sqlite") {
  console.log(
    "# coordination.test.ts: PostgreSQL only (several processes on one database); not run on SQLite",
  );
} else {
  describe("processes on one PostgreSQL reach each other by notifications and liveness locks", () => {
    let db: TestDatabase;
    let cluster: Cluster;
    let a: Member;
    let b: Member;
    const adminKey = randomAdminKey();
    const slowPolls = {
      RUNNER_POLL_MS: "60000",
      WATCH_POLL_MS: "60000",
      RUNNER_LEASE_SECONDS: "3600",
    };
    // These runs hold their claim while their delay runs (in memory): nothing parks.
    const slow = { ...slowPolls, RUNNER_PARK_AFTER_MS: "0" };
    let long: string;
    let short: string;
    let medium: string;
    let parking: string;

    before(async () => {
      db = await createTestDatabase();
      cluster = new Cluster({ DATABASE_URL: db.databaseUrl as string, ADMIN_API_KEY: adminKey });
      await cluster.start(0);
      // A has two slots; B takes whatever A cannot.
      a = await cluster.add({ ...slow, RUNNER_CONCURRENCY: "2" });
      b = await cluster.add({ ...slow, RUNNER_CONCURRENCY: "8" });
      const publish = async (spec: WorkflowSpec) => {
        const { workflow } = await a.workflows.createWorkflow(toCreateRequest(spec));
        assert.ok(workflow);
        await a.workflows.publishWorkflow({ workflowId: workflow.workflowId });
        return workflow.workflowId;
      };
      long = await publish(waiting(240_000));
      short = await publish(waiting(300));
      medium = await publish(waiting(4_000));
      parking = await publish(parksAfterABreath);
    });
    after(async () => {
      await cluster?.shutdown();
      await db?.drop();
    });

    const execute = async (on: Member, workflowId: string) => {
      const { execution } = await on.executions.executeWorkflow({
        workflowId,
        communityId: BigInt(community),
      });
      assert.ok(execution);
      return execution.executionId;
    };
    const ownerOf = async (executionId: string) => {
      const client = new pg.Client({ connectionString: db.databaseUrl });
      await client.connect();
      try {
        const { rows } = await client.query(
          "select lease_owner, status from workflow_executions where execution_id = $1",
          [executionId],
        );
        return rows[0] as { lease_owner: string | null; status: string };
      } finally {
        await client.end();
      }
    };
    /** Until the run is running with its first node stored; returns the process holding it. */
    const runningOn = async (on: Member, executionId: string) => {
      for (;;) {
        const { execution } = await on.executions.getExecution({ executionId });
        if (execution?.status === ExecutionStatus.RUNNING && execution.nodeRuns.length >= 2) {
          return (await ownerOf(executionId)).lease_owner;
        }
        await sleep(20);
      }
    };

    it("a watcher on B gets the node records and the end of a run on A", async () => {
      const id = await execute(a, short);
      const seen: string[] = [];
      await within(
        (async () => {
          for await (const { event } of b.executions.watchExecution({ executionId: id })) {
            const e = event?.event;
            if (e?.case === "nodeRun") seen.push(`${e.value.nodeId}:${NodeStatus[e.value.status]}`);
            if (e?.case === "statusChange") seen.push(ExecutionStatus[e.value.status]);
            if (e?.case === "statusChange" && isTerminal(e.value.status)) return;
          }
        })(),
        guardMs,
        "the watch on B ending",
      );
      assert.ok(seen.includes("wait:COMPLETED") && seen.includes("end:COMPLETED"), seen.join(" "));
      assert.equal(seen.at(-1), "COMPLETED");
    });

    it("a cancel sent to B aborts the run on A at once and answers CANCELLED", async () => {
      const id = await execute(a, long);
      const owner = await runningOn(a, id);
      const { execution } = await within(
        b.executions.cancelExecution({ executionId: id }),
        guardMs,
        "the cancel answer",
      );
      assert.equal(execution?.status, ExecutionStatus.CANCELLED);
      const { execution: stored } = await b.executions.getExecution({ executionId: id });
      assert.equal(stored?.status, ExecutionStatus.CANCELLED);
      const wait = stored?.nodeRuns.find((r) => r.nodeId === "wait");
      assert.equal(wait?.status, NodeStatus.CANCELLED, "the owner aborted the running delay");
      assert.ok(owner !== null);
      // A second cancel names the state reached.
      await assert.rejects(b.executions.cancelExecution({ executionId: id }), /cancelled/);
    });

    it("work A acknowledged but has no slot for wakes B", async () => {
      const held = [await execute(a, long), await execute(a, long)];
      const owners = new Set([
        await runningOn(a, held[0] as string),
        await runningOn(a, held[1] as string),
      ]);
      const id = await execute(a, short);
      for (;;) {
        const { execution } = await b.executions.getExecution({ executionId: id });
        if (execution && isTerminal(execution.status)) {
          assert.equal(execution.status, ExecutionStatus.COMPLETED);
          break;
        }
        await sleep(20);
      }
      for (const h of held) await b.executions.cancelExecution({ executionId: h });
      assert.equal(owners.size, 1, "both long runs were A's");
    });

    it("a dropped coordination connection is re-established: cancels reach the owner again", async () => {
      const id = await execute(a, long);
      await runningOn(a, id);
      const admin = new pg.Client({ connectionString: db.databaseUrl });
      await admin.connect();
      try {
        const { rowCount } = await admin.query(
          "select pg_terminate_backend(pid) from pg_stat_activity where datname = current_database() and application_name = 'waddlebot-coordination'",
        );
        assert.ok((rowCount ?? 0) >= 2, "both processes' coordination sessions were dropped");
        // Back: every process holds its liveness lock again.
        for (;;) {
          const { rows } = await admin.query(
            "select count(*)::int as n from pg_stat_activity where datname = current_database() and application_name = 'waddlebot-coordination'",
          );
          if (rows[0].n >= 2) break;
          await sleep(50);
        }
      } finally {
        await admin.end();
      }
      const { execution } = await within(
        b.executions.cancelExecution({ executionId: id }),
        guardMs,
        "the cancel answer after the reconnect",
      );
      assert.equal(execution?.status, ExecutionStatus.CANCELLED);
    });

    it("a run parked by one process: a watcher on B sees the wait, and a cancel sent to B ends it there", async () => {
      // P parks waits of 10 s or more (so the 3 s breath runs in memory while B's watch starts);
      // it polls once a minute like the others.
      const p = await cluster.add({
        ...slowPolls,
        RUNNER_CONCURRENCY: "2",
        RUNNER_PARK_AFTER_MS: "10000",
      });
      const id = await execute(p, parking);
      const seen: string[] = [];
      let parkedSeen: () => void = () => undefined;
      const parked = new Promise<void>((resolve) => {
        parkedSeen = resolve;
      });
      const watch = within(
        (async () => {
          for await (const { event } of b.executions.watchExecution({ executionId: id })) {
            const e = event?.event;
            if (e?.case === "snapshot") {
              seen.push(e.value.wait === undefined ? "snapshot" : "snapshot:parked");
            }
            if (e?.case === "statusChange") {
              seen.push(`${ExecutionStatus[e.value.status]}${e.value.wait ? ":parked" : ""}`);
              if (e.value.wait !== undefined) {
                assert.deepEqual(e.value.wait.nodeIds, ["wait"]);
                parkedSeen();
              }
              if (isTerminal(e.value.status)) return;
            }
          }
        })(),
        guardMs,
        "the watch on B ending",
      );
      await within(parked, guardMs, "the wait event on B");
      assert.equal(seen[0], "snapshot", `the watch began before the park: ${seen.join(" ")}`);
      const stored = await ownerOf(id);
      assert.deepEqual(stored, { lease_owner: null, status: "running" }, "parked: no owner");
      const { execution } = await within(
        b.executions.cancelExecution({ executionId: id }),
        guardMs,
        "the cancel answer for a parked run",
      );
      assert.equal(execution?.status, ExecutionStatus.CANCELLED);
      await watch;
      assert.equal(seen.at(-1), "CANCELLED");
      const { execution: ended } = await b.executions.getExecution({ executionId: id });
      const records = ended?.nodeRuns.map((r) => `${r.nodeId}:${NodeStatus[r.status]}`);
      assert.deepEqual(records, [
        "start:COMPLETED",
        "breath:COMPLETED",
        "wait:CANCELLED",
        "end:CANCELLED",
      ]);
      assert.equal(await cluster.terminate(p), 0);
    });

    it("kill -9: another process resumes the dead one's runs without waiting for the lease", async () => {
      const held = [await execute(a, medium), await execute(a, medium)];
      // Each holds A's claim while its delay runs; C, with a free slot and the default poll, finds them.
      await Promise.all(held.map((id) => runningOn(a, id)));
      const ownersBefore = await Promise.all(
        held.map(async (id) => (await ownerOf(id)).lease_owner),
      );
      const c = await cluster.add({ RUNNER_LEASE_SECONDS: "3600" });
      await cluster.kill9(a);
      for (const id of held) {
        for (;;) {
          const { execution } = await c.executions.getExecution({ executionId: id });
          if (execution && isTerminal(execution.status)) {
            assert.equal(execution.status, ExecutionStatus.COMPLETED, execution.errorMessage);
            const names = execution.nodeRuns.map((r) => `${r.nodeId}:${NodeStatus[r.status]}`);
            assert.deepEqual(
              names,
              ["start", "first", "wait", "end"].map((n) => `${n}:COMPLETED`),
            );
            break;
          }
          await sleep(50);
        }
      }
      assert.ok(
        ownersBefore.every((o) => o !== null),
        "A held them when it died",
      );
    });
  });
}
