import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import {
  type OpenPersistenceOptions,
  openPersistence,
  type Persistence,
} from "../../../src/adapters/persistence/open-persistence.js";
import { DomainError } from "../../../src/domain/errors.js";
import type { Execution } from "../../../src/domain/execution/execution.js";
import type { NodeRun } from "../../../src/domain/execution/node-run.js";
import type { Principal } from "../../../src/domain/permissions/principal.js";
import type { Workflow, WorkflowVersion } from "../../../src/domain/workflow/workflow.js";
import type { AuditEvent } from "../../../src/ports/audit-log.js";
import { createTestDatabase, type TestDatabase } from "../../support/test-database.js";

/** A fixed instant with milliseconds, so precision loss would show. */
export const t0 = new Date("2026-03-04T05:06:07.891Z");

export function at(offsetMs: number): Date {
  return new Date(t0.getTime() + offsetMs);
}

export function uniqueId(prefix: string): string {
  return `${prefix}-${randomUUID()}`;
}

export interface TestPersistence {
  persistence: Persistence;
  database: TestDatabase;
  /** Opens another Persistence on the same database (closed by close()). */
  openAnother(options?: Partial<OpenPersistenceOptions>): Promise<Persistence>;
  close(): Promise<void>;
}

/** A fresh database with the schema applied; close() closes every instance and drops it. */
export async function openTestPersistence(
  options: Partial<OpenPersistenceOptions> = {},
): Promise<TestPersistence> {
  const database = await createTestDatabase();
  const open = (extra: Partial<OpenPersistenceOptions> = {}) =>
    openPersistence({
      databaseUrl: database.databaseUrl,
      sqlitePath: database.sqlitePath,
      ...options,
      ...extra,
    });
  const opened: Persistence[] = [];
  try {
    opened.push(await open());
  } catch (error) {
    await database.drop();
    throw error;
  }
  return {
    persistence: opened[0] as Persistence,
    database,
    async openAnother(extra) {
      const another = await open(extra);
      opened.push(another);
      return another;
    },
    async close() {
      for (const instance of opened) await instance.close();
      await database.drop();
    },
  };
}

export function aPrincipal(overrides: Partial<Principal> = {}): Principal {
  return {
    userId: uniqueId("user"),
    roles: [],
    communityIds: [],
    admin: false,
    keyId: uniqueId("key"),
    ...overrides,
  };
}

export function aWorkflow(overrides: Partial<Workflow> = {}): Workflow {
  return {
    workflowId: uniqueId("wf"),
    communityId: 10,
    entityId: 20,
    name: "Greeter",
    description: "Says hello",
    tags: ["chat", "greeting"],
    status: "draft",
    version: 1,
    definition: {
      globalVariables: { greeting: "hi", nested: { list: [1, 2.5, null, true] } },
      nodes: [
        {
          nodeId: "start",
          nodeType: "trigger_command",
          label: "Start",
          position: { x: 1, y: 2 },
          enabled: true,
          description: "",
          config: { command: "!hello" },
        },
      ],
      connections: [],
      limits: { timeoutSeconds: 30 },
    },
    ownerUserId: "owner-1",
    createdAt: t0,
    updatedAt: t0,
    publishedVersion: null,
    publishedAt: null,
    ...overrides,
  };
}

export function versionOf(workflow: Workflow, createdBy = workflow.ownerUserId): WorkflowVersion {
  return {
    workflowId: workflow.workflowId,
    version: workflow.version,
    name: workflow.name,
    description: workflow.description,
    tags: workflow.tags,
    definition: workflow.definition,
    createdBy,
    createdAt: workflow.updatedAt,
  };
}

export function anExecution(workflow: Workflow, overrides: Partial<Execution> = {}): Execution {
  return {
    executionId: uniqueId("ex"),
    workflowId: workflow.workflowId,
    workflowVersion: workflow.version,
    status: "pending",
    communityId: workflow.communityId,
    entityId: workflow.entityId,
    triggeredBy: "user-1",
    trigger: {
      triggerNodeId: "start",
      triggerSource: "api",
      sessionId: "session-1",
      platform: "discord",
      data: { message: "!hello", count: 3 },
    },
    inputVariables: { name: "Ada", tags: ["a", "b"] },
    idempotencyKey: null,
    createdAt: t0,
    startedAt: null,
    completedAt: null,
    durationMs: null,
    nodesExecuted: 0,
    totalNodes: 3,
    failedNodes: [],
    errorReason: null,
    errorMessage: null,
    errorNodeId: null,
    finalOutput: null,
    finalVariables: {},
    cancelRequestedAt: null,
    wait: null,
    ...overrides,
  };
}

export function aNodeRun(sequence: number, overrides: Partial<NodeRun> = {}): NodeRun {
  return {
    sequence,
    nodeId: `node-${sequence}`,
    nodeType: "action_http",
    status: "completed",
    attempt: 1,
    startedAt: at(sequence * 10),
    completedAt: at(sequence * 10 + 7),
    durationMs: 7,
    input: { value: sequence },
    output: { ok: true, text: "done", list: [sequence, null] },
    outputTruncated: false,
    outputPort: "success",
    logs: [
      { time: at(sequence * 10 + 1), message: `started ${sequence}` },
      { time: at(sequence * 10 + 6), message: "finished" },
    ],
    errorReason: null,
    errorMessage: null,
    iterations: 0,
    operations: 1,
    iterationPath: [],
    simulatedRequest: null,
    ...overrides,
  };
}

/** The audit event stored with an execution's insert (what ExecuteWorkflow passes). */
export function creationAudit(execution: Execution): AuditEvent {
  return {
    eventType: "AUDIT",
    action: "execute_workflow",
    result: "SUCCESS",
    userId: execution.triggeredBy,
    communityId: execution.communityId,
    workflowId: execution.workflowId,
    executionId: execution.executionId,
    details: {},
    at: execution.createdAt,
  };
}

/** Arguments for ExecutionRepository.insert: the execution and its creation audit event. */
export function withAudit(execution: Execution): [Execution, AuditEvent] {
  return [execution, creationAudit(execution)];
}

/** An assert.rejects matcher for a DomainError of this kind and reason. */
export function isDomainError(kind: DomainError["kind"], reason: DomainError["reason"]) {
  return (error: unknown) => {
    assert.ok(DomainError.is(error), `expected a DomainError, got ${String(error)}`);
    assert.equal(error.kind, kind);
    assert.equal(error.reason, reason);
    return true;
  };
}
