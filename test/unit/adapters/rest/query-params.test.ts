import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { QueryParams } from "../../../../src/adapters/rest/query-params.js";
import { parseJsonObject } from "../../../../src/adapters/rest/read-json-body.js";
import { DomainError } from "../../../../src/domain/errors.js";

function query(text: string): QueryParams {
  return new QueryParams(new URLSearchParams(text));
}

function badFields(fn: () => void): string[] {
  try {
    fn();
  } catch (error) {
    assert.ok(DomainError.is(error) && error.reason === "BAD_REQUEST");
    return error.violations.map((v) => v.field);
  }
  assert.fail("expected BAD_REQUEST");
}

describe("QueryParams", () => {
  it("parses integers, booleans, enums, lists and dates", () => {
    const q = query(
      "community_id=123&include_logs=false&sort_order=ASC&status=completed,failed&status=failed&created_after=2026-01-01T00:00:00Z",
    );
    assert.equal(q.integer("community_id", 1), 123);
    assert.equal(q.boolean("include_logs", true), false);
    assert.equal(q.boolean("include_metrics", false), false);
    assert.equal(q.oneOf("sort_order", ["asc", "desc"] as const), "asc");
    assert.deepEqual(q.list("status", ["completed", "failed", "running"] as const), [
      "completed",
      "failed",
    ]);
    assert.equal(q.date("created_after")?.toISOString(), "2026-01-01T00:00:00.000Z");
    q.throwIfInvalid();
  });

  it("reports every bad parameter in one BAD_REQUEST", () => {
    const q = query(
      "community_id=-1&page=x&include_logs=maybe&sort_by=name&status=done&created_before=soon",
    );
    q.integer("community_id", 1);
    q.integer("page", 1);
    q.boolean("include_logs", true);
    q.oneOf("sort_by", ["start_time"] as const);
    q.list("status", ["completed"] as const);
    q.date("created_before");
    assert.deepEqual(
      badFields(() => q.throwIfInvalid()),
      ["community_id", "page", "include_logs", "sort_by", "status", "created_before"],
    );
  });

  it("treats empty values as absent but keeps raw access", () => {
    const q = query("page_token=&search=");
    assert.equal(q.string("search"), undefined);
    assert.equal(q.raw("page_token"), "");
    assert.equal(q.raw("other"), undefined);
  });
});

describe("parseJsonObject", () => {
  it("reads objects and treats an empty body as {}", () => {
    assert.deepEqual(parseJsonObject('{"a":1}'), { a: 1 });
    assert.deepEqual(parseJsonObject("  \n"), {});
  });

  it("answers malformed JSON and non-objects with BAD_REQUEST", () => {
    for (const text of ["{", "[1,2]", '"text"', "null", "{'a':1}"]) {
      assert.deepEqual(
        badFields(() => parseJsonObject(text)),
        ["body"],
        text,
      );
    }
  });
});
