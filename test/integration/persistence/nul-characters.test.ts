import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import type { Workflow } from "../../../src/domain/workflow/workflow.js";
import {
  aNodeRun,
  anExecution,
  aWorkflow,
  creationAudit,
  openTestPersistence,
  type TestPersistence,
  versionOf,
} from "./fixtures.js";

// PostgreSQL text and jsonb refuse NUL; a webhook answer may contain one all the same.
describe("node outputs with NUL characters", () => {
  let db: TestPersistence;
  let workflow: Workflow;

  before(async () => {
    db = await openTestPersistence();
    workflow = aWorkflow();
    await db.persistence.workflows.create(workflow, versionOf(workflow));
  });
  after(() => db.close());

  test("are stored (as U+FFFD on PostgreSQL) instead of failing the write", async () => {
    const execution = anExecution(workflow);
    await db.persistence.executions.insert(execution, creationAudit(execution));
    const run = aNodeRun(1, { output: { body: "a\u0000b", "k\u0000": ["\u0000"] } });
    await db.persistence.executions.appendNodeRuns(execution.executionId, [run], null);
    const stored = await db.persistence.executions.get(execution.executionId, {
      nodeRuns: true,
      logs: true,
    });
    const replaced = db.persistence.dialect === "postgresql" ? "\uFFFD" : "\u0000";
    assert.deepEqual(stored?.nodeRuns[0]?.output, {
      body: `a${replaced}b`,
      [`k${replaced}`]: [replaced],
    });
  });
});
