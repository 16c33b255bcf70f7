import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { createWorkflow } from "./create-workflow.js";
import { greeterWorkflow, slowWorkflow, webhookWorkflow } from "./fixtures.js";
import {
  curl,
  expectError,
  expectSuccess,
  isoPattern,
  violationFields,
  waitForExecution,
} from "./helpers.js";
import { RestClient } from "./rest-client.js";
import { type RunningService, startRestService } from "./service.js";

let service: RunningService;
let admin: RestClient;
let greeterId: string;

before(async () => {
  service = await startRestService();
  admin = new RestClient(service.baseUrl, service.adminKey);
  greeterId = await createWorkflow(admin, greeterWorkflow(123), { publish: true });
});

after(async () => {
  await service?.stop();
});

async function execute(workflowId: string, body: Record<string, unknown> = {}) {
  return expectSuccess(
    await admin.post(`/api/v1/workflows/${workflowId}/execute`, { community_id: 123, ...body }),
    202,
  );
}

describe("the quick reference's curl examples, as written", () => {
  // Each command is the quick reference's, with its host, ids and key replaced by real ones.
  const url = (path: string) => `${service.baseUrl}${path}`;

  it("Execute Workflow, Check Status, List Executions, Test Workflow, Cancel Execution", async () => {
    const started = await curl([
      "-X",
      "POST",
      url(`/api/v1/workflows/${greeterId}/execute`),
      "-H",
      `X-API-Key: ${service.adminKey}`,
      "-H",
      "Content-Type: application/json",
      "-d",
      '{"community_id": 123, "variables": {"param": "value"}}',
    ]);
    const data = expectSuccess(started, 202);
    assert.equal(started.body.message, "Workflow execution started");
    assert.equal(data.workflow_id, greeterId);
    const executionId = data.execution_id as string;
    await waitForExecution(admin, executionId);

    const status = await curl([
      url(`/api/v1/workflows/executions/${executionId}`),
      "-H",
      `X-API-Key: ${service.adminKey}`,
    ]);
    const details = expectSuccess(status, 200);
    assert.equal(details.status, "completed");
    assert.deepEqual(details.variables, { param: "value" });

    const list = await curl([
      url(`/api/v1/workflows/${greeterId}/executions?community_id=123&page=1&per_page=20`),
      "-H",
      `X-API-Key: ${service.adminKey}`,
    ]);
    const items = expectSuccess(list, 200);
    assert.ok(items.some((item: { execution_id: string }) => item.execution_id === executionId));
    assert.equal(list.body.meta.pagination.page, 1);
    assert.equal(list.body.meta.pagination.per_page, 20);

    const test = await curl([
      "-X",
      "POST",
      url(`/api/v1/workflows/${greeterId}/test`),
      "-H",
      `X-API-Key: ${service.adminKey}`,
      "-H",
      "Content-Type: application/json",
      "-d",
      '{"community_id": 123, "variables": {"test": "value"}}',
    ]);
    const tested = expectSuccess(test, 200);
    assert.equal(tested.test_mode, true);
    assert.equal(tested.status, "completed");

    const slowId = await createWorkflow(admin, slowWorkflow(123), { publish: true });
    const slow = await execute(slowId);
    await waitForExecution(admin, slow.execution_id, (d) => d.status === "running");
    const cancel = await curl([
      "-X",
      "POST",
      url(`/api/v1/workflows/executions/${slow.execution_id}/cancel`),
      "-H",
      `X-API-Key: ${service.adminKey}`,
    ]);
    const cancelled = expectSuccess(cancel, 200);
    assert.equal(cancelled.execution_id, slow.execution_id);
    assert.equal(cancelled.status, "cancelled");
    assert.match(cancelled.cancelled_at, isoPattern);
  });
});

describe("POST /api/v1/workflows/:id/execute (E1)", () => {
  it("answers 202 at once with a pending execution", async () => {
    const data = await execute(greeterId, {
      variables: { param: "value" },
      metadata: { trigger_source: "chat", session_id: "s-1" },
      platform: "twitch",
      trigger_data: { message: "!hello" },
    });
    assert.match(data.execution_id, /^[0-9a-f-]{36}$/);
    assert.equal(data.workflow_id, greeterId);
    assert.equal(data.workflow_version, 1);
    assert.ok(["pending", "running", "completed"].includes(data.status), data.status);
    assert.match(data.start_time, isoPattern);
    assert.deepEqual(data.execution_path, []);
    const done = await waitForExecution(admin, data.execution_id);
    assert.deepEqual(done.trigger, {
      trigger_node_id: "",
      trigger_source: "chat",
      session_id: "s-1",
      platform: "twitch",
      data: { message: "!hello" },
    });
  });

  it("returns the first execution again for a repeated Idempotency-Key", async () => {
    const headers = { "idempotency-key": `key-${Date.now()}` };
    const first = expectSuccess(
      await admin.post(
        `/api/v1/workflows/${greeterId}/execute`,
        { community_id: 123 },
        { headers },
      ),
      202,
    );
    const second = expectSuccess(
      await admin.post(
        `/api/v1/workflows/${greeterId}/execute`,
        { community_id: "123" },
        { headers },
      ),
      202,
    );
    assert.equal(second.execution_id, first.execution_id);
    const viaBody = await execute(greeterId, { idempotency_key: headers["idempotency-key"] });
    assert.equal(viaBody.execution_id, first.execution_id);
    const mismatch = expectError(
      await admin.post(
        `/api/v1/workflows/${greeterId}/execute`,
        { community_id: 123, idempotency_key: "other" },
        { headers },
      ),
      400,
      "BAD_REQUEST",
    );
    assert.deepEqual(violationFields(mismatch), ["idempotency_key"]);
  });

  it("refuses bad input, a foreign community, a draft and an unknown workflow", async () => {
    const missing = expectError(
      await admin.post(`/api/v1/workflows/${greeterId}/execute`, { variables: {} }),
      400,
      "BAD_REQUEST",
    );
    assert.deepEqual(violationFields(missing), ["community_id"]);
    for (const bad of [0, -1, "12x", 1.5, true]) {
      expectError(
        await admin.post(`/api/v1/workflows/${greeterId}/execute`, { community_id: bad }),
        400,
        "BAD_REQUEST",
      );
    }
    expectError(
      await admin.post(`/api/v1/workflows/${greeterId}/execute`, { community_id: 999 }),
      404,
      "WORKFLOW_NOT_FOUND",
    );
    const draftId = await createWorkflow(admin, greeterWorkflow(123));
    const draft = expectError(
      await admin.post(`/api/v1/workflows/${draftId}/execute`, { community_id: 123 }),
      409,
      "FAILED_PRECONDITION",
    );
    assert.equal(draft.workflow_id, draftId);
    expectError(
      await admin.post("/api/v1/workflows/00000000-0000-7000-8000-00000000abcd/execute", {
        community_id: 123,
      }),
      404,
      "WORKFLOW_NOT_FOUND",
    );
  });
});

describe("GET /api/v1/workflows/executions/:id (E2)", () => {
  it("answers the summary fields plus node_states, final_variables, final_output and metrics", async () => {
    const started = await execute(greeterId, { variables: { param: "value" } });
    await waitForExecution(admin, started.execution_id);
    const data = expectSuccess(
      await admin.get(`/api/v1/workflows/executions/${started.execution_id}?include_metrics=true`),
      200,
    );
    assert.equal(data.execution_id, started.execution_id);
    assert.equal(data.workflow_id, greeterId);
    assert.equal(data.status, "completed");
    assert.equal(data.success, true);
    assert.equal(data.total_nodes_executed, 3);
    assert.equal(data.total_nodes, 3);
    assert.deepEqual(data.failed_nodes, []);
    assert.equal(typeof data.execution_time_seconds, "number");
    assert.match(data.start_time, isoPattern);
    assert.match(data.end_time, isoPattern);
    assert.equal(data.error, null);
    assert.equal(data.community_id, 123);
    assert.deepEqual(data.execution_path, ["start", "set", "end"]);
    assert.deepEqual(Object.keys(data.node_states).sort(), ["end", "set", "start"]);
    const set = data.node_states.set;
    assert.equal(set.status, "completed");
    assert.equal(set.node_type, "data_variable_set");
    assert.equal(set.run_count, 1);
    assert.match(set.started_at, isoPattern);
    assert.equal(data.node_runs.length, 3);
    assert.equal(data.final_variables.reply, "hello there");
    assert.equal(data.final_variables.param, "value");
    assert.equal(data.final_output, "hello there");
    assert.equal(data.metrics.node_count, 3);
    assert.equal(data.metrics.nodes_executed, 3);
    assert.equal(data.metrics.nodes_failed, 0);
  });

  it("leaves node records out with include_node_runs=false and logs with include_logs=false", async () => {
    const started = await execute(greeterId);
    await waitForExecution(admin, started.execution_id);
    const light = expectSuccess(
      await admin.get(
        `/api/v1/workflows/executions/${started.execution_id}?include_node_runs=false`,
      ),
      200,
    );
    assert.equal("node_states" in light, false);
    assert.equal("metrics" in light, false);
    assert.equal(light.status, "completed");
    const noLogs = expectSuccess(
      await admin.get(`/api/v1/workflows/executions/${started.execution_id}?include_logs=0`),
      200,
    );
    for (const run of noLogs.node_runs) assert.deepEqual(run.logs, []);
    expectError(
      await admin.get(`/api/v1/workflows/executions/${started.execution_id}?include_logs=perhaps`),
      400,
      "BAD_REQUEST",
    );
  });

  it("is 404 NOT_FOUND for an unknown execution", async () => {
    const details = expectError(
      await admin.get("/api/v1/workflows/executions/00000000-0000-7000-8000-000000000001"),
      404,
      "NOT_FOUND",
    );
    assert.equal(details.execution_id, "00000000-0000-7000-8000-000000000001");
  });
});

describe("POST /api/v1/workflows/executions/:id/cancel (E3)", () => {
  it("cancels a running execution and refuses a finished one with 409", async () => {
    const slowId = await createWorkflow(admin, slowWorkflow(123), { publish: true });
    const started = await execute(slowId);
    await waitForExecution(admin, started.execution_id, (d) => d.status === "running");
    const reply = await admin.post(`/api/v1/workflows/executions/${started.execution_id}/cancel`, {
      reason: "test",
    });
    const data = expectSuccess(reply, 200);
    assert.deepEqual(Object.keys(data).sort(), [
      "cancelled_at",
      "execution_id",
      "status",
      "workflow_id",
    ]);
    assert.equal(data.status, "cancelled");
    assert.equal(reply.body.message, "Execution cancelled");
    const after = await waitForExecution(admin, started.execution_id);
    assert.equal(after.status, "cancelled");

    const again = expectError(
      await admin.post(`/api/v1/workflows/executions/${started.execution_id}/cancel`),
      409,
      "FAILED_PRECONDITION",
    );
    assert.equal(again.execution_id, started.execution_id);
    expectError(
      await admin.post("/api/v1/workflows/executions/00000000-0000-7000-8000-000000000002/cancel"),
      404,
      "NOT_FOUND",
    );
  });
});

describe("GET /api/v1/workflows/:id/executions (E4)", () => {
  it("pages with meta.pagination, filters by status and sorts by sort_by/sort_order", async () => {
    const workflowId = await createWorkflow(admin, greeterWorkflow(123, "History"), {
      publish: true,
    });
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) {
      const started = await execute(workflowId);
      await waitForExecution(admin, started.execution_id);
      ids.push(started.execution_id);
    }

    const first = await admin.get(
      `/api/v1/workflows/${workflowId}/executions?community_id=123&page=1&per_page=2`,
    );
    const page1 = expectSuccess(first, 200);
    assert.deepEqual(first.body.meta.pagination, {
      page: 1,
      per_page: 2,
      total: 3,
      total_pages: 2,
      has_next: true,
      has_prev: false,
    });
    // Newest first by default.
    assert.deepEqual(
      page1.map((e: { execution_id: string }) => e.execution_id),
      [ids[2], ids[1]],
    );
    const item = page1[0];
    assert.deepEqual(Object.keys(item).sort(), [
      "created_at",
      "end_time",
      "error",
      "error_code",
      "execution_id",
      "execution_time_seconds",
      "nodes_executed",
      "start_time",
      "status",
      "success",
      // Durable timers: a parked run's wait, null otherwise (an addition to the reference's shape).
      "wait",
      "workflow_id",
      "workflow_version",
    ]);
    assert.equal(item.wait, null);
    assert.equal(item.success, true);
    assert.equal(item.nodes_executed, 3);
    const page2 = await admin.get(
      `/api/v1/workflows/${workflowId}/executions?community_id=123&page=2&per_page=2`,
    );
    assert.deepEqual(
      expectSuccess(page2, 200).map((e: { execution_id: string }) => e.execution_id),
      [ids[0]],
    );
    assert.equal(page2.body.meta.pagination.has_prev, true);
    assert.equal(page2.body.meta.pagination.has_next, false);

    const ascending = expectSuccess(
      await admin.get(
        `/api/v1/workflows/${workflowId}/executions?sort_by=start_time&sort_order=asc`,
      ),
      200,
    );
    assert.deepEqual(
      ascending.map((e: { execution_id: string }) => e.execution_id),
      ids,
    );
    const descending = expectSuccess(
      await admin.get(`/api/v1/workflows/${workflowId}/executions?sort_order=desc`),
      200,
    );
    assert.deepEqual(
      descending.map((e: { execution_id: string }) => e.execution_id),
      [...ids].reverse(),
    );
    const byTime = expectSuccess(
      await admin.get(
        `/api/v1/workflows/${workflowId}/executions?sort_by=execution_time&sort_order=asc`,
      ),
      200,
    );
    const times = byTime.map((e: { execution_time_seconds: number }) => e.execution_time_seconds);
    assert.deepEqual(
      times,
      [...times].sort((a: number, b: number) => a - b),
    );

    const completed = expectSuccess(
      await admin.get(`/api/v1/workflows/${workflowId}/executions?status=completed`),
      200,
    );
    assert.equal(completed.length, 3);
    const none = expectSuccess(
      await admin.get(`/api/v1/workflows/${workflowId}/executions?status=failed,cancelled`),
      200,
    );
    assert.deepEqual(none, []);

    const cursor1 = await admin.get(
      `/api/v1/workflows/${workflowId}/executions?page_token=&per_page=2`,
    );
    const cursorPage = expectSuccess(cursor1, 200);
    assert.equal(cursorPage.length, 2);
    assert.equal("pagination" in cursor1.body.meta, false);
    const token = cursor1.body.meta.next_page_token as string;
    assert.equal(typeof token, "string");
    const cursor2 = await admin.get(
      `/api/v1/workflows/${workflowId}/executions?page_token=${encodeURIComponent(token)}&per_page=2`,
    );
    assert.deepEqual(
      expectSuccess(cursor2, 200).map((e: { execution_id: string }) => e.execution_id),
      [ids[0]],
    );

    const bad = expectError(
      await admin.get(
        `/api/v1/workflows/${workflowId}/executions?sort_by=name&sort_order=up&status=done&per_page=0`,
      ),
      400,
      "BAD_REQUEST",
    );
    assert.deepEqual(violationFields(bad), ["status", "per_page", "sort_by", "sort_order"]);
    expectError(
      await admin.get(`/api/v1/workflows/${workflowId}/executions?per_page=101`),
      400,
      "BAD_REQUEST",
    );
    expectError(
      await admin.get(`/api/v1/workflows/${workflowId}/executions?page_token=&page=2`),
      400,
      "BAD_REQUEST",
    );
    expectError(
      await admin.get(`/api/v1/workflows/${workflowId}/executions?community_id=9`),
      404,
      "WORKFLOW_NOT_FOUND",
    );
  });
});

describe("POST /api/v1/workflows/:id/test (E5)", () => {
  it("dry-runs a draft and answers the trace, final state and summary", async () => {
    const draftId = await createWorkflow(admin, greeterWorkflow(123));
    const reply = await admin.post(`/api/v1/workflows/${draftId}/test`, {
      community_id: 123,
      variables: { test: "value" },
    });
    const data = expectSuccess(reply, 200);
    assert.equal(data.workflow_id, draftId);
    assert.equal(data.test_mode, true);
    assert.equal(data.status, "completed");
    assert.equal(typeof data.execution_time_seconds, "number");
    assert.deepEqual(
      data.trace.map((t: { node_id: string }) => t.node_id),
      ["start", "set", "end"],
    );
    for (const entry of data.trace) {
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
        assert.ok(key in entry, `trace entry lacks ${key}`);
      }
    }
    assert.equal(data.final_variables.reply, "hello there");
    assert.equal(data.final_output, "hello there");
    assert.deepEqual(data.summary, {
      nodes_executed: 3,
      nodes_failed: 0,
      total_duration: data.execution_time_seconds,
      passed: true,
    });
    // Nothing was stored: the test execution is not in the history.
    expectError(
      await admin.get(`/api/v1/workflows/executions/${data.execution_id}`),
      404,
      "NOT_FOUND",
    );
  });

  it("records side-effecting requests instead of sending them, with node_mocks as their output", async () => {
    const workflowId = await createWorkflow(admin, webhookWorkflow(123));
    const data = expectSuccess(
      await admin.post(`/api/v1/workflows/${workflowId}/test`, {
        community_id: 123,
        variables: { test: "ping" },
        node_mocks: { hook: { status: 201, body: { ok: true } } },
      }),
      200,
    );
    assert.equal(data.status, "completed");
    const hook = data.trace.find((t: { node_id: string }) => t.node_id === "hook");
    assert.equal(hook.simulated_request.url, "https://hooks.example.com/notify");
    assert.equal(hook.simulated_request.body, '{"text": "ping"}');
    assert.deepEqual(data.final_output, { status: 201, body: { ok: true } });
  });

  it("tests a given version and validates its input", async () => {
    const workflowId = await createWorkflow(admin, greeterWorkflow(123));
    expectSuccess(
      await admin.put(`/api/v1/workflows/${workflowId}`, { global_variables: { greeting: "hey" } }),
      200,
    );
    const v1 = expectSuccess(
      await admin.post(`/api/v1/workflows/${workflowId}/test`, { community_id: 123, version: 1 }),
      200,
    );
    assert.equal(v1.workflow_version, 1);
    assert.equal(v1.final_output, "hello there");
    const latest = expectSuccess(
      await admin.post(`/api/v1/workflows/${workflowId}/test`, { community_id: 123 }),
      200,
    );
    assert.equal(latest.workflow_version, 2);
    assert.equal(latest.final_output, "hey there");
    const bad = expectError(
      await admin.post(`/api/v1/workflows/${workflowId}/test`, { node_mocks: [], version: "x" }),
      400,
      "BAD_REQUEST",
    );
    assert.deepEqual(violationFields(bad), ["community_id", "node_mocks", "version"]);
  });
});
