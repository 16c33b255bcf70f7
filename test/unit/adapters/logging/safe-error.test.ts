import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { safeError } from "../../../../src/adapters/logging/safe-error.js";

/** A node-postgres DatabaseError's shape. */
function pgError(message: string, fields: Record<string, unknown>): Error {
  const error = new Error(message);
  error.name = "error";
  return Object.assign(error, { severity: "ERROR", ...fields });
}

describe("safeError", () => {
  it("keeps codes and identifiers, drops detail, where and queries, and masks values", () => {
    const error = pgError(
      'duplicate key value violates unique constraint "api_keys_secret_hash_unique"',
      {
        code: "23505",
        detail: "Key (secret_hash)=(c0ffee) already exists.",
        where: "SQL statement 'insert ...'",
        internalQuery: "insert into api_keys values ('c0ffee')",
        table: "api_keys",
        constraint: "api_keys_secret_hash_unique",
      },
    );
    const logged = JSON.stringify(safeError(new Error("wrapped", { cause: error })));
    assert.ok(!logged.includes("c0ffee"), logged);
    assert.match(logged, /"code":"23505"/);
    assert.match(logged, /api_keys_secret_hash_unique/);
    const range = JSON.stringify(
      safeError(pgError('value "98765432101" is out of range for type integer', { code: "22003" })),
    );
    assert.ok(!range.includes("98765432101"), range);
    assert.match(range, /out of range for type integer/);
  });

  it("cuts a statement with inlined values off the front of a driver message", () => {
    const error = Object.assign(
      new Error(
        `insert into "api_keys" ("secret_hash", "name") values ('c0ffee', 'a') - invalid byte sequence for encoding "UTF8": 0x00`,
      ),
      { code: "22021", severity: "ERROR", sqlState: "22021" },
    );
    const logged = JSON.stringify(safeError(error));
    assert.ok(!logged.includes("c0ffee") && !logged.includes("insert into"), logged);
    assert.match(logged, /invalid byte sequence for encoding \\"UTF8\\"/);
  });

  it("leaves other errors' messages alone and passes non-errors through", () => {
    const logged = safeError(new RangeError('unknown node type "x"')) as Record<string, unknown>;
    assert.equal(logged.type, "RangeError");
    assert.equal(logged.message, 'unknown node type "x"');
    assert.equal(safeError("text"), "text");
  });
});
