/**
 * The data in v6-sqlite.sql and v6-postgresql.sql. Those dumps were made by the service as it
 * was before MikroORM 7 (commit cd4706b: MikroORM 6.6.16, its migrations 20261125-01 to -03):
 * `writeV6Data` below ran against `openPersistence` of that commit on a fresh SQLite file and a
 * fresh PostgreSQL database, which were then dumped (`sqlite3 .dump`; `pg_dump --inserts
 * --no-owner --no-privileges`). The upgrade test restores a dump, opens it with today's code and
 * compares what it reads with what was written.
 */
import type { Persistence } from "../../../../src/adapters/persistence/open-persistence.js";
import type { ExecutionOutcome } from "../../../../src/ports/execution-repository.js";
import { aNodeRun, anExecution, aWorkflow, creationAudit, versionOf } from "../fixtures.js";

export const t = (ms: number) => new Date(Date.UTC(2026, 10, 20, 12, 0, 0, 123) + ms);

export const published = aWorkflow({
  workflowId: "wf-published",
  communityId: 7,
  entityId: 70,
  name: "giveaway",
  description: 'a "quoted" name ünïcode',
  tags: ["chat", "giveaway"],
  status: "published",
  version: 2,
  publishedVersion: 2,
  publishedAt: t(50),
  createdAt: t(0),
  updatedAt: t(50),
  ownerUserId: "owner-1",
});
export const firstVersion = {
  ...published,
  version: 1,
  status: "draft" as const,
  publishedVersion: null,
  publishedAt: null,
  updatedAt: t(0),
};
/** Version 1 as the history keeps it (taken from the published state, as the dump has it). */
export const firstVersionRecord = versionOf({ ...published, version: 1 });
export const draft = aWorkflow({
  workflowId: "wf-draft",
  communityId: 8,
  entityId: 80,
  name: "draft",
  createdAt: t(10),
  updatedAt: t(10),
  ownerUserId: "owner-2",
});

export const grants = [
  {
    workflowId: published.workflowId,
    targetType: "user" as const,
    targetId: "viewer-1",
    flags: ["can_view" as const],
    grantedBy: "owner-1",
    grantedAt: t(60),
  },
  {
    workflowId: published.workflowId,
    targetType: "role" as const,
    targetId: "mod",
    flags: ["can_view" as const, "can_execute" as const],
    grantedBy: "owner-1",
    grantedAt: t(61),
  },
  {
    workflowId: published.workflowId,
    targetType: "community" as const,
    targetId: "7",
    flags: [
      "can_view" as const,
      "can_edit" as const,
      "can_execute" as const,
      "can_delete" as const,
      "can_manage_permissions" as const,
    ],
    grantedBy: "owner-1",
    grantedAt: t(62),
  },
];

export const activeKey = {
  keyId: "key-active",
  name: "router",
  secretHash: "a".repeat(64),
  principal: { userId: "router", roles: ["bot", "mod"], communityIds: [7, 8], admin: false },
  createdBy: "admin",
  createdAt: t(1),
  revokedAt: null,
};
export const revokedKey = {
  keyId: "key-revoked",
  name: "old",
  secretHash: "b".repeat(64),
  principal: { userId: "admin", roles: [], communityIds: [], admin: true },
  createdBy: "admin",
  createdAt: t(2),
  revokedAt: null,
};

export const completed = anExecution(published, {
  executionId: "ex-completed",
  workflowVersion: 2,
  triggeredBy: "viewer-1",
  idempotencyKey: "idem-1",
  inputVariables: { n: 1, nested: { list: [1, "two", null, true] } },
  createdAt: t(100),
});
export const failed = anExecution(published, {
  executionId: "ex-failed",
  workflowVersion: 2,
  createdAt: t(200),
});
export const running = anExecution(published, {
  executionId: "ex-running",
  workflowVersion: 2,
  createdAt: t(300),
});
export const pending = anExecution(published, {
  executionId: "ex-pending",
  workflowVersion: 2,
  createdAt: t(400),
});

/** The claim at t(500) took the three oldest, with a lease until t(30_500). */
export const claimedAt = t(500);
export const leaseUntil = t(30_500);

export const completedRuns = [
  aNodeRun(1, { nodeId: "start", startedAt: t(501), completedAt: t(502) }),
  aNodeRun(2, {
    nodeId: "say",
    logs: [{ time: t(503), message: "set text" }],
    output: { text: "hello, bob" },
  }),
  aNodeRun(3, { nodeId: "end", status: "completed" }),
];
export const completedOutcome: ExecutionOutcome = {
  status: "completed",
  completedAt: t(600),
  durationMs: 99.5,
  nodesExecuted: 3,
  totalNodes: 3,
  failedNodes: [],
  errorReason: null,
  errorMessage: null,
  errorNodeId: null,
  finalOutput: { text: "hello, bob" },
  finalVariables: { text: "hello, bob", n: 1 },
};
export const failedRuns = [
  aNodeRun(1, { nodeId: "start" }),
  aNodeRun(2, { nodeId: "call", status: "failed", errorReason: "HTTP_ERROR", errorMessage: "502" }),
];
export const failedOutcome: ExecutionOutcome = {
  status: "failed",
  completedAt: t(700),
  durationMs: 12,
  nodesExecuted: 2,
  totalNodes: 3,
  failedNodes: ["call"],
  errorReason: "HTTP_ERROR",
  errorMessage: "router answered 502",
  errorNodeId: "call",
  finalOutput: null,
  finalVariables: {},
};
export const runningRuns = [aNodeRun(1, { nodeId: "start" })];
export const runningCheckpoint = { format: "waddlebot.engine.checkpoint/1", sequence: 1 };
export const cancelRequestedAt = t(800);

export const denial = {
  eventType: "AUTHZ" as const,
  action: "get_workflow",
  result: "DENIED" as const,
  userId: "stranger",
  communityId: 7,
  workflowId: published.workflowId,
  executionId: null,
  details: { reason: "no can_view" },
  at: t(900),
};

/** What made the dumps, run on the v6 code (kept to show exactly how the data was written). */
export async function writeV6Data(p: Persistence): Promise<void> {
  await p.workflows.create(firstVersion, firstVersionRecord);
  await p.workflows.save(published, 1, versionOf(published));
  await p.workflows.create(draft, versionOf(draft));
  for (const grant of grants) await p.permissions.put(grant);
  await p.apiKeys.create(activeKey);
  await p.apiKeys.create(revokedKey);
  await p.apiKeys.revoke("key-revoked", t(3));
  for (const execution of [completed, failed, running, pending]) {
    await p.executions.insert(execution, creationAudit(execution));
  }
  await p.executions.claim("runner-old", claimedAt, leaseUntil, 3);
  await p.executions.appendNodeRuns("ex-completed", completedRuns.slice(0, 2), {
    format: "x",
    at: 2,
  });
  await p.executions.finish("ex-completed", completedOutcome, completedRuns.slice(2));
  await p.executions.finish("ex-failed", failedOutcome, failedRuns);
  await p.executions.appendNodeRuns("ex-running", runningRuns, runningCheckpoint);
  await p.executions.requestCancel("ex-running", cancelRequestedAt);
  await p.auditLog.record(denial);
}
