import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { Router } from "../../../../src/adapters/rest/router.js";

describe("Router", () => {
  const router = new Router<string>()
    .add("GET", "/api/v1/workflows/:workflow_id", "get-workflow")
    .add("PUT", "/api/v1/workflows/:workflow_id", "update-workflow")
    .add("GET", "/api/v1/workflows/:workflow_id/executions", "list-executions")
    .add("GET", "/api/v1/workflows/executions/:execution_id", "get-execution")
    .add("POST", "/api/v1/workflows/executions/:execution_id/cancel", "cancel");

  it("matches parameters and decodes them", () => {
    assert.deepEqual(router.match("GET", "/api/v1/workflows/a%20b"), {
      kind: "found",
      route: "get-workflow",
      params: { workflow_id: "a b" },
    });
  });

  it("prefers literal segments over parameters", () => {
    assert.deepEqual(router.match("GET", "/api/v1/workflows/executions/e1"), {
      kind: "found",
      route: "get-execution",
      params: { execution_id: "e1" },
    });
    assert.deepEqual(router.match("GET", "/api/v1/workflows/w1/executions"), {
      kind: "found",
      route: "list-executions",
      params: { workflow_id: "w1" },
    });
  });

  it("reports the allowed methods when only the method is wrong", () => {
    assert.deepEqual(router.match("DELETE", "/api/v1/workflows/w1"), {
      kind: "method_not_allowed",
      allowed: ["GET", "PUT"],
    });
    assert.deepEqual(router.match("GET", "/api/v1/workflows/executions/e1/cancel"), {
      kind: "method_not_allowed",
      allowed: ["POST"],
    });
  });

  it("reports unknown paths and bad escapes as not found", () => {
    assert.deepEqual(router.match("GET", "/api/v1/nothing"), { kind: "not_found" });
    assert.deepEqual(router.match("GET", "/api/v1/workflows/%E0%A4%A"), { kind: "not_found" });
  });
});
