import assert from "node:assert/strict";
import { Writable } from "node:stream";
import { after, before, describe, it } from "node:test";
import { createRootLogger } from "../../../src/adapters/logging/root-logger.js";
import type { ApiKeyRecord } from "../../../src/ports/api-key-repository.js";
import {
  aWorkflow,
  openTestPersistence,
  type TestPersistence,
  t0,
  versionOf,
} from "../persistence/fixtures.js";

/** Logs `err` as the service does and returns the line. */
function logged(err: unknown): string {
  let line = "";
  const destination = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      line += chunk.toString();
      callback();
    },
  });
  createRootLogger({ level: "info", service: "test", destination }).error({ err }, "failed");
  return line;
}

async function failure(work: () => Promise<unknown>): Promise<unknown> {
  return work().then(
    () => assert.fail("expected the database to refuse"),
    (error: unknown) => error,
  );
}

// Driver errors carry the values they refused (PostgreSQL's `detail`: "Key (secret_hash)=(…)
// already exists"; messages such as `value "…" is out of range`). Logs must not.
describe("database errors in the log carry no values", () => {
  let db: TestPersistence;
  const secretHash = "5ec7e7a5ec7e7a5ec7e7a5ec7e7a5ec7e7a5ec7e7a5ec7e7a5ec7e7a5ec7e7a0";
  const key = (keyId: string): ApiKeyRecord => ({
    keyId,
    name: "bot",
    secretHash,
    principal: { userId: "u-7319", roles: [], communityIds: [], admin: false },
    createdBy: "admin",
    createdAt: t0,
    revokedAt: null,
  });
  before(async () => {
    db = await openTestPersistence();
  });
  after(() => db.close());

  it("a duplicate secret hash: the error and its cause are logged without the hash", async () => {
    await db.persistence.apiKeys.create(key("key-1"));
    const error = await failure(() => db.persistence.apiKeys.create(key("key-2")));
    for (const err of [error, (error as Error).cause]) {
      const line = logged(err);
      assert.ok(!line.includes(secretHash), line);
      assert.ok(!line.includes("u-7319"), line);
      assert.match(line, /"level":"error"/);
    }
  });

  it("a value the database refuses is not repeated in the log", async () => {
    const workflow = aWorkflow();
    await db.persistence.workflows.create(workflow, versionOf(workflow));
    const huge = 987_654_321_012;
    const outcome = await db.persistence.workflows.getVersion(workflow.workflowId, huge).then(
      () => null,
      (error: unknown) => error,
    );
    // SQLite compares the integer and finds nothing; PostgreSQL refuses it as out of range.
    if (db.persistence.dialect === "sqlite") assert.equal(outcome, null);
    else {
      const line = logged(outcome);
      assert.ok(!line.includes(String(huge)), line);
      assert.match(line, /out of range/);
      assert.match(line, /"code":"22003"/);
    }
  });
});
