import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { ConnectAdmin, Permission } from "./connect-admin.js";
import { createWorkflow } from "./create-workflow.js";
import { greeterWorkflow } from "./fixtures.js";
import { expectError, expectSuccess, isoPattern, waitForExecution } from "./helpers.js";
import { RestClient } from "./rest-client.js";
import { type RunningService, startRestService } from "./service.js";

let service: RunningService;
let admin: RestClient;
let connectAdmin: ConnectAdmin;
let workflowId: string;
let executionId: string;

before(async () => {
  service = await startRestService();
  admin = new RestClient(service.baseUrl, service.adminKey);
  connectAdmin = new ConnectAdmin(service.svc);
  workflowId = await createWorkflow(admin, greeterWorkflow(123), { publish: true });
  const started = expectSuccess(
    await admin.post(`/api/v1/workflows/${workflowId}/execute`, { community_id: 123 }),
    202,
  );
  executionId = started.execution_id;
  await waitForExecution(admin, executionId);
});

after(async () => {
  await service?.stop();
});

describe("health endpoints (no API key)", () => {
  it("GET /health is plain JSON; /api/v1/health and /api/v1/status use the envelope", async () => {
    const anonymous = admin.as(null);
    const health = await anonymous.get("/health");
    assert.equal(health.status, 200);
    assert.deepEqual(Object.keys(health.body).sort(), ["module", "status", "timestamp", "version"]);
    assert.equal(health.body.status, "healthy");
    assert.match(health.body.timestamp, isoPattern);
    const v1 = expectSuccess(await anonymous.get("/api/v1/health"), 200);
    assert.equal(v1.healthy, true);
    const status = expectSuccess(await anonymous.get("/api/v1/status"), 200);
    assert.equal(status.status, "operational");
    assert.equal(status.version, health.body.version);
  });
});

describe("authentication (X-API-Key)", () => {
  it("is 401 UNAUTHORIZED without a key, with an unknown key and with a revoked key", async () => {
    const paths: [string, string][] = [
      ["GET", `/api/v1/workflows/${workflowId}`],
      ["GET", "/api/v1/workflows?community_id=123"],
      ["POST", `/api/v1/workflows/${workflowId}/execute`],
      ["GET", `/api/v1/workflows/executions/${executionId}`],
      ["POST", "/api/v1/workflows"],
    ];
    const { secret, keyId } = await connectAdmin.createKey("to-revoke", [123]);
    expectSuccess(await admin.as(secret).get("/api/v1/workflows?community_id=123"), 200);
    await connectAdmin.revokeKey(keyId);
    for (const key of [null, "not-a-real-key", secret]) {
      for (const [method, path] of paths) {
        const reply = await admin.as(key).call(method, path, { body: { community_id: 123 } });
        const details = expectError(reply, 401, "UNAUTHORIZED");
        assert.deepEqual(details, {});
        assert.doesNotMatch(reply.text, /Greeter/);
      }
    }
    // The JWT route of the original is not an API key.
    expectError(
      await admin.as(null).get(`/api/v1/workflows/${workflowId}`, {
        headers: { authorization: `Bearer ${service.adminKey}` },
      }),
      401,
      "UNAUTHORIZED",
    );
  });
});

describe("a second principal without permissions", () => {
  it("gets 404 for what it cannot view and 403 for what it can view but not do", async () => {
    const { secret } = await connectAdmin.createKey("viewer", [123]);
    const viewer = admin.as(secret);

    // Cannot view: the workflow and its executions do not exist for this caller.
    expectError(await viewer.get(`/api/v1/workflows/${workflowId}`), 404, "WORKFLOW_NOT_FOUND");
    expectError(
      await viewer.post(`/api/v1/workflows/${workflowId}/execute`, { community_id: 123 }),
      404,
      "WORKFLOW_NOT_FOUND",
    );
    expectError(
      await viewer.get(`/api/v1/workflows/${workflowId}/executions`),
      404,
      "WORKFLOW_NOT_FOUND",
    );
    expectError(
      await viewer.post(`/api/v1/workflows/${workflowId}/validate`),
      404,
      "WORKFLOW_NOT_FOUND",
    );
    const hidden = await viewer.get(`/api/v1/workflows/executions/${executionId}`);
    expectError(hidden, 404, "NOT_FOUND");
    assert.doesNotMatch(hidden.text, new RegExp(workflowId));
    const listed = expectSuccess(await viewer.get("/api/v1/workflows?community_id=123"), 200);
    assert.deepEqual(listed, []);

    // Members may create in their own community, not in another one.
    expectSuccess(await viewer.post("/api/v1/workflows", greeterWorkflow(123, "Own")), 201);
    expectError(
      await viewer.post("/api/v1/workflows", greeterWorkflow(999, "Foreign")),
      403,
      "PERMISSION_DENIED",
    );

    // With can_view only: reads work, everything else is 403 PERMISSION_DENIED.
    await connectAdmin.grantToUser(workflowId, "viewer", [Permission.CAN_VIEW]);
    expectSuccess(await viewer.get(`/api/v1/workflows/${workflowId}`), 200);
    expectSuccess(await viewer.get(`/api/v1/workflows/executions/${executionId}`), 200);
    expectSuccess(await viewer.get(`/api/v1/workflows/${workflowId}/executions`), 200);
    expectSuccess(await viewer.post(`/api/v1/workflows/${workflowId}/validate`), 200);
    const denied = expectError(
      await viewer.post(`/api/v1/workflows/${workflowId}/execute`, { community_id: 123 }),
      403,
      "PERMISSION_DENIED",
    );
    assert.equal(denied.permission, "can_execute");
    expectError(
      await viewer.post(`/api/v1/workflows/${workflowId}/test`, { community_id: 123 }),
      403,
      "PERMISSION_DENIED",
    );
    expectError(
      await viewer.put(`/api/v1/workflows/${workflowId}`, { name: "mine now" }),
      403,
      "PERMISSION_DENIED",
    );
    expectError(
      await viewer.post(`/api/v1/workflows/${workflowId}/publish`),
      403,
      "PERMISSION_DENIED",
    );
    expectError(await viewer.delete(`/api/v1/workflows/${workflowId}`), 403, "PERMISSION_DENIED");
    expectError(
      await viewer.post(`/api/v1/workflows/executions/${executionId}/cancel`),
      403,
      "PERMISSION_DENIED",
    );
    const unchanged = expectSuccess(await admin.get(`/api/v1/workflows/${workflowId}`), 200);
    assert.equal(unchanged.status, "published");
    assert.equal(unchanged.name, "Greeter");

    // can_execute lets it run the workflow.
    await connectAdmin.grantToUser(workflowId, "viewer", [Permission.CAN_EXECUTE]);
    expectSuccess(
      await viewer.post(`/api/v1/workflows/${workflowId}/execute`, { community_id: 123 }),
      202,
    );
  });
});

describe("malformed requests", () => {
  it("answers malformed JSON and non-object bodies with 400, never 500", async () => {
    for (const rawBody of ["{", '{"name": "x",}', "[]", "42", "\u0000"]) {
      for (const path of [
        "/api/v1/workflows",
        `/api/v1/workflows/${workflowId}/execute`,
        `/api/v1/workflows/${workflowId}/test`,
      ]) {
        const reply = await admin.call("POST", path, { rawBody });
        expectError(reply, 400, "BAD_REQUEST");
      }
      expectError(
        await admin.call("PUT", `/api/v1/workflows/${workflowId}`, { rawBody }),
        400,
        "BAD_REQUEST",
      );
    }
  });

  it("answers a body over the limit with 413 PAYLOAD_TOO_LARGE", async () => {
    const rawBody = JSON.stringify({
      community_id: 123,
      variables: { blob: "x".repeat(service.maxBodyBytes) },
    });
    const details = expectError(
      await admin.call("POST", `/api/v1/workflows/${workflowId}/execute`, { rawBody }),
      413,
      "PAYLOAD_TOO_LARGE",
    );
    assert.equal(details.limit, String(service.maxBodyBytes));
  });

  it("answers unknown /api/v1 paths with 404 and wrong methods with 405, as JSON", async () => {
    expectError(await admin.get("/api/v1/nothing"), 404, "NOT_FOUND");
    expectError(await admin.get("/api/v1/workflows/a/b/c/d"), 404, "NOT_FOUND");
    expectError(await admin.as(null).get("/api/v1/nothing"), 404, "NOT_FOUND");
    const wrong = await admin.call("PATCH", `/api/v1/workflows/${workflowId}`);
    expectError(wrong, 405, "METHOD_NOT_ALLOWED");
    assert.equal(wrong.headers.allow, "GET, PUT, DELETE");
    expectError(
      await admin.get(`/api/v1/workflows/executions/${executionId}/cancel`),
      405,
      "METHOD_NOT_ALLOWED",
    );
    expectError(await admin.get("/api/v1/workflows/bad%20id"), 400, "BAD_REQUEST");
  });
});

describe("HTTP/2 on the same port", () => {
  it("serves the REST API to h2c clients", async () => {
    const fetched = await admin.callHttp2("GET", `/api/v1/workflows/${workflowId}`);
    assert.equal(expectSuccess(fetched, 200).workflow_id, workflowId);
    const started = await admin.callHttp2("POST", `/api/v1/workflows/${workflowId}/execute`, {
      body: { community_id: 123 },
    });
    const data = expectSuccess(started, 202);
    await waitForExecution(admin, data.execution_id);
    expectError(
      await admin.as(null).callHttp2("GET", "/api/v1/workflows?community_id=123"),
      401,
      "UNAUTHORIZED",
    );
    expectError(
      await admin.callHttp2("POST", "/api/v1/workflows", { rawBody: "{oops" }),
      400,
      "BAD_REQUEST",
    );
  });
});
