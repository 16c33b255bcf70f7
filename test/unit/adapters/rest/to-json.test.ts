import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  executionDetailToJson,
  executionListItemToJson,
  executionStartedToJson,
  testResultToJson,
} from "../../../../src/adapters/rest/execution-to-json.js";
import { validationToJson } from "../../../../src/adapters/rest/validation-to-json.js";
import { workflowToJson } from "../../../../src/adapters/rest/workflow-to-json.js";
import { summariseDryRun } from "../../../../src/domain/engine/dry-run.js";
import type { EngineResult } from "../../../../src/domain/engine/engine-types.js";
import type { ExecutionWithNodeRuns } from "../../../../src/domain/execution/execution.js";
import type { NodeRun } from "../../../../src/domain/execution/node-run.js";
import type { ValidationIssue } from "../../../../src/domain/workflow/validation-report.js";
import type { Workflow } from "../../../../src/domain/workflow/workflow.js";

const t0 = new Date("2026-01-02T03:04:05.000Z");
const t1 = new Date("2026-01-02T03:04:06.500Z");

const workflow: Workflow = {
  workflowId: "w1",
  communityId: 123,
  entityId: 4,
  name: "Greeter",
  description: "d",
  tags: ["x"],
  status: "published",
  version: 3,
  definition: {
    globalVariables: { a: 1 },
    nodes: [
      {
        nodeId: "n1",
        nodeType: "trigger_command",
        label: "Start",
        position: { x: 1, y: 2 },
        enabled: true,
        description: "",
        config: { command_pattern: "!hi" },
      },
    ],
    connections: [
      {
        connectionId: "c1",
        fromNodeId: "n1",
        fromPortName: "output",
        toNodeId: "n2",
        toPortName: "input",
        enabled: true,
      },
    ],
    limits: { timeoutSeconds: 30, maxParallelNodes: 2 },
  },
  ownerUserId: "u1",
  createdAt: t0,
  updatedAt: t1,
  publishedVersion: 3,
  publishedAt: t1,
};

function nodeRun(
  sequence: number,
  nodeId: string,
  durationMs: number,
  status: NodeRun["status"],
): NodeRun {
  return {
    sequence,
    nodeId,
    nodeType: "data_transform",
    status,
    attempt: 1,
    startedAt: t0,
    completedAt: t1,
    durationMs,
    input: { in: sequence },
    output: { out: sequence },
    outputTruncated: false,
    outputPort: "output",
    logs: [{ time: t0, message: `ran ${nodeId}` }],
    errorReason: status === "failed" ? "EXECUTION_ERROR" : null,
    errorMessage: status === "failed" ? "boom" : null,
    iterations: 0,
    operations: 2,
    iterationPath: [],
    simulatedRequest: null,
  };
}

const execution: ExecutionWithNodeRuns = {
  executionId: "e1",
  workflowId: "w1",
  workflowVersion: 3,
  status: "failed",
  communityId: 123,
  entityId: 4,
  triggeredBy: "u1",
  trigger: { triggerNodeId: "", triggerSource: "api", sessionId: "s", platform: "", data: {} },
  inputVariables: { v: 1 },
  idempotencyKey: null,
  createdAt: t0,
  startedAt: t0,
  completedAt: t1,
  durationMs: 1500,
  nodesExecuted: 3,
  totalNodes: 4,
  failedNodes: ["b"],
  errorReason: "EXECUTION_ERROR",
  errorMessage: "boom",
  errorNodeId: "b",
  finalOutput: null,
  finalVariables: { v: 2, w: 3 },
  cancelRequestedAt: null,
  wait: null,
  // Out of order on purpose: the REST view sorts by sequence.
  nodeRuns: [
    nodeRun(3, "b", 300, "failed"),
    nodeRun(1, "a", 100, "completed"),
    nodeRun(2, "a", 200, "completed"),
  ],
};

describe("workflowToJson", () => {
  it("shows the original's flat fields beside the contract's metadata, in snake_case", () => {
    const json = workflowToJson(workflow);
    assert.equal(json.workflow_id, "w1");
    assert.equal(json.name, "Greeter");
    assert.equal(json.community_id, 123);
    assert.equal(json.is_active, true);
    assert.equal(json.created_at, "2026-01-02T03:04:05.000Z");
    assert.deepEqual(json.metadata, {
      name: "Greeter",
      description: "d",
      community_id: 123,
      entity_id: 4,
      status: "published",
      version: 3,
      limits: { timeout_seconds: 30, max_parallel_nodes: 2 },
      tags: ["x"],
    });
    assert.deepEqual(json.nodes, [
      {
        node_id: "n1",
        node_type: "trigger_command",
        label: "Start",
        position: { x: 1, y: 2 },
        enabled: true,
        description: "",
        config: { command_pattern: "!hi" },
      },
    ]);
    assert.deepEqual(json.connections, [
      {
        connection_id: "c1",
        from_node_id: "n1",
        from_port_name: "output",
        to_node_id: "n2",
        to_port_name: "input",
        enabled: true,
      },
    ]);
    assert.deepEqual(json.global_variables, { a: 1 });
  });
});

describe("execution JSON", () => {
  it("answers execute with a pending execution's accept time as start_time", () => {
    const pending = { ...execution, status: "pending" as const, startedAt: null };
    assert.deepEqual(executionStartedToJson(pending), {
      execution_id: "e1",
      workflow_id: "w1",
      workflow_version: 3,
      status: "pending",
      start_time: "2026-01-02T03:04:05.000Z",
      created_at: "2026-01-02T03:04:05.000Z",
      execution_path: [],
    });
  });

  it("lists executions with the E4 fields", () => {
    const item = executionListItemToJson(execution);
    assert.deepEqual(
      {
        status: item.status,
        success: item.success,
        end_time: item.end_time,
        execution_time_seconds: item.execution_time_seconds,
        nodes_executed: item.nodes_executed,
        error: item.error,
      },
      {
        status: "failed",
        success: false,
        end_time: "2026-01-02T03:04:06.500Z",
        execution_time_seconds: 1.5,
        nodes_executed: 3,
        error: "boom",
      },
    );
  });

  it("details carry the E2 summary, node_states, node_runs, final state and metrics", () => {
    const json = executionDetailToJson(execution, { nodeRuns: true, metrics: true });
    for (const key of [
      "execution_id",
      "workflow_id",
      "status",
      "success",
      "total_nodes_executed",
      "total_nodes",
      "failed_nodes",
      "execution_time_seconds",
      "start_time",
      "end_time",
      "error",
      "node_states",
      "final_variables",
      "final_output",
      "metrics",
    ]) {
      assert.ok(key in json, `missing ${key}`);
    }
    assert.equal(json.total_nodes_executed, 3);
    assert.deepEqual(json.failed_nodes, ["b"]);
    assert.deepEqual(json.execution_path, ["a", "a", "b"]);
    const states = json.node_states as Record<string, Record<string, unknown>>;
    assert.deepEqual(Object.keys(states), ["a", "b"]);
    assert.equal(states.a?.sequence, 2);
    assert.equal(states.a?.run_count, 2);
    assert.equal(states.b?.error, "boom");
    assert.equal(states.b?.error_type, "EXECUTION_ERROR");
    assert.deepEqual(states.b?.logs, [{ time: "2026-01-02T03:04:05.000Z", message: "ran b" }]);
    assert.equal((json.node_runs as unknown[]).length, 3);
    assert.deepEqual(json.metrics, {
      total_duration_seconds: 1.5,
      node_count: 4,
      nodes_executed: 3,
      node_runs: 3,
      nodes_skipped: 0,
      nodes_failed: 1,
      average_node_time_seconds: 0.2,
      slowest_node_id: "b",
      slowest_node_time_seconds: 0.3,
      total_operations: 6,
      variable_count: 2,
    });
  });

  it("leaves node records and metrics out when asked", () => {
    const json = executionDetailToJson(execution, { nodeRuns: false, metrics: false });
    assert.equal("node_states" in json, false);
    assert.equal("node_runs" in json, false);
    assert.equal("metrics" in json, false);
    assert.deepEqual(json.final_variables, { v: 2, w: 3 });
  });

  it("shapes a test run as the original trace and summary", () => {
    const trace = [nodeRun(1, "a", 10, "completed")];
    const outcome: EngineResult = {
      status: "completed",
      errorReason: null,
      errorMessage: null,
      errorNodeId: null,
      finalOutput: { ok: true },
      finalVariables: { x: 1 },
      nodesExecuted: 1,
      failedNodes: [],
      operations: 1,
      startedAt: t0,
      completedAt: new Date(t0.getTime() + 1234),
      durationMs: 1234,
      counts: { completed: 1, failed: 0, skipped: 0, cancelled: 0 },
      trace,
      wait: null,
    };
    const json = testResultToJson({
      executionId: "e9",
      workflowId: "w1",
      workflowVersion: 2,
      outcome,
      trace,
      summary: summariseDryRun(outcome),
    });
    assert.equal(json.test_mode, true);
    assert.equal(json.execution_time_seconds, 1.234);
    assert.deepEqual(json.summary, {
      nodes_executed: 1,
      nodes_failed: 0,
      total_duration: 1.234,
      passed: true,
    });
    const entries = json.trace as Record<string, unknown>[];
    for (const key of [
      "node_id",
      "status",
      "duration_seconds",
      "input",
      "output",
      "logs",
      "error",
      "error_type",
      "simulated_request",
    ]) {
      assert.ok(key in (entries[0] ?? {}), `trace entry lacks ${key}`);
    }
    assert.deepEqual(json.final_output, { ok: true });
  });
});

function issue(code: string, message: string, nodeId: string, field: string): ValidationIssue {
  return { code, message, nodeId, connectionId: "", field };
}

describe("validationToJson", () => {
  it("has the original ValidationResult.to_dict() shape plus structured issues", () => {
    const json = validationToJson({
      isValid: false,
      errors: [
        // Absent ids are empty strings.
        {
          code: "NO_TRIGGER",
          message: "workflow has no trigger",
          nodeId: "",
          connectionId: "",
          field: "",
        },
        issue("MISSING_FIELD", "url is required", "n1", "config.url"),
        issue("BAD_VALUE", "method is invalid", "n1", "config.method"),
      ],
      warnings: [issue("UNREACHABLE", "n2 is unreachable", "n2", "")],
      errorCount: 3,
      warningCount: 1,
    });
    assert.equal(json.is_valid, false);
    assert.deepEqual(json.errors, ["workflow has no trigger"]);
    assert.deepEqual((json.issues as { errors: unknown[] }).errors[0], {
      code: "NO_TRIGGER",
      message: "workflow has no trigger",
      node_id: null,
      connection_id: null,
      field: null,
    });
    assert.deepEqual(json.warnings, ["n2 is unreachable"]);
    assert.deepEqual(json.node_validation_errors, {
      n1: ["url is required", "method is invalid"],
    });
    assert.equal(json.error_count, 3);
    assert.equal(json.warning_count, 1);
    assert.deepEqual((json.issues as { errors: unknown[] }).errors[1], {
      code: "MISSING_FIELD",
      message: "url is required",
      node_id: "n1",
      connection_id: null,
      field: "config.url",
    });
  });
});
