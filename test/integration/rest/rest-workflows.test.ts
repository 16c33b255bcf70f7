import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { createWorkflow } from "./create-workflow.js";
import { greeterWorkflow, invalidWorkflow, legacyGreeterWorkflow } from "./fixtures.js";
import { expectError, expectSuccess, isoPattern, violationFields } from "./helpers.js";
import { RestClient } from "./rest-client.js";
import { type RunningService, startRestService } from "./service.js";

let service: RunningService;
let admin: RestClient;

before(async () => {
  service = await startRestService();
  admin = new RestClient(service.baseUrl, service.adminKey);
});

after(async () => {
  await service?.stop();
});

describe("POST /api/v1/workflows (W1)", () => {
  it("creates from the contract's shape: 201 with the workflow", async () => {
    const reply = await admin.post("/api/v1/workflows", greeterWorkflow(123));
    const data = expectSuccess(reply, 201);
    assert.equal(reply.body.message, "Workflow created");
    assert.match(data.workflow_id, /^[0-9a-f-]{36}$/);
    assert.equal(data.name, "Greeter");
    assert.equal(data.community_id, 123);
    assert.equal(data.entity_id, 456);
    assert.equal(data.status, "draft");
    assert.equal(data.is_active, false);
    assert.equal(data.version, 1);
    assert.equal(data.published_version, null);
    assert.match(data.created_at, isoPattern);
    assert.match(data.updated_at, isoPattern);
    assert.deepEqual(data.metadata, {
      name: "Greeter",
      description: "Answers !hello",
      community_id: 123,
      entity_id: 456,
      status: "draft",
      version: 1,
      limits: { timeout_seconds: 60 },
      tags: ["chat", "test"],
    });
    assert.deepEqual(data.global_variables, { greeting: "hello" });
    assert.deepEqual(
      data.nodes.map((n: { node_id: string }) => n.node_id),
      ["start", "set", "end"],
    );
    assert.deepEqual(data.nodes[0], {
      node_id: "start",
      node_type: "trigger_command",
      label: "Start",
      position: { x: 0, y: 0 },
      enabled: true,
      description: "",
      config: { command_pattern: "!hello", platforms: ["twitch"] },
    });
    assert.deepEqual(data.connections[0], {
      connection_id: "c1",
      from_node_id: "start",
      from_port_name: "output",
      to_node_id: "set",
      to_port_name: "input",
      enabled: true,
    });
  });

  it("creates from the original flat shape with nodes keyed by id and fields at the top level", async () => {
    const data = expectSuccess(
      await admin.post("/api/v1/workflows", legacyGreeterWorkflow(123)),
      201,
    );
    assert.equal(data.name, "Legacy greeter");
    assert.equal(data.community_id, 123);
    assert.deepEqual(data.metadata.limits, { timeout_seconds: 120 });
    const byId = Object.fromEntries(data.nodes.map((n: { node_id: string }) => [n.node_id, n]));
    assert.deepEqual(Object.keys(byId).sort(), ["end", "set", "start"]);
    assert.deepEqual(byId.start.config, { command_pattern: "!hi", platforms: ["discord"] });
    assert.deepEqual(byId.set.config, { variables: { reply: "{{ vars.greeting }} back" } });
    assert.deepEqual(byId.end.config, { output_expression: "vars.reply" });

    // Stored as given: the original shape validates and reads back like the contract's.
    const validation = expectSuccess(
      await admin.post(`/api/v1/workflows/${data.workflow_id}/validate`),
      200,
    );
    assert.equal(validation.is_valid, true, JSON.stringify(validation));
    const fetched = expectSuccess(await admin.get(`/api/v1/workflows/${data.workflow_id}`), 200);
    assert.deepEqual(fetched.nodes, data.nodes);
  });

  it("answers missing and ill-typed fields with 400 and every violation", async () => {
    const details = expectError(
      await admin.post("/api/v1/workflows", {
        description: 5,
        community_id: "one",
        nodes: [{ node_id: "a" }],
      }),
      400,
      "BAD_REQUEST",
    );
    assert.deepEqual(violationFields(details), [
      "name",
      "community_id",
      "description",
      "nodes[0].node_type",
    ]);
    const duplicate = expectError(
      await admin.post("/api/v1/workflows", {
        name: "dup",
        community_id: 123,
        nodes: [
          { node_id: "a", node_type: "flow_end" },
          { node_id: "a", node_type: "flow_end" },
        ],
      }),
      400,
      "BAD_REQUEST",
    );
    assert.deepEqual(violationFields(duplicate), ["nodes[1].node_id"]);
  });
});

describe("GET /api/v1/workflows/:id (W3)", () => {
  it("reads the workflow, a past version, and 404s for unknown ids", async () => {
    const workflowId = await createWorkflow(admin, greeterWorkflow(123));
    expectSuccess(await admin.put(`/api/v1/workflows/${workflowId}`, { name: "Greeter v2" }), 200);
    const latest = expectSuccess(await admin.get(`/api/v1/workflows/${workflowId}`), 200);
    assert.equal(latest.name, "Greeter v2");
    assert.equal(latest.version, 2);
    const first = expectSuccess(await admin.get(`/api/v1/workflows/${workflowId}?version=1`), 200);
    assert.equal(first.name, "Greeter");
    assert.equal(first.version, 1);

    const details = expectError(
      await admin.get("/api/v1/workflows/00000000-0000-7000-8000-000000000000"),
      404,
      "WORKFLOW_NOT_FOUND",
    );
    assert.deepEqual(details, { workflow_id: "00000000-0000-7000-8000-000000000000" });
    expectError(await admin.get(`/api/v1/workflows/${workflowId}?version=9`), 404, "NOT_FOUND");
    expectError(await admin.get(`/api/v1/workflows/${workflowId}?version=x`), 400, "BAD_REQUEST");
  });
});

describe("GET /api/v1/workflows (W2)", () => {
  it("pages with meta.pagination and filters by status, entity and search", async () => {
    const community = 7001;
    const ids: string[] = [];
    for (const name of ["Alpha", "Beta", "Gamma"]) {
      ids.push(await createWorkflow(admin, greeterWorkflow(community, name)));
    }
    expectSuccess(await admin.post(`/api/v1/workflows/${ids[1]}/publish`), 200);

    const first = await admin.get(`/api/v1/workflows?community_id=${community}&page=1&per_page=2`);
    const page1 = expectSuccess(first, 200);
    assert.deepEqual(first.body.meta, {
      pagination: {
        page: 1,
        per_page: 2,
        total: 3,
        total_pages: 2,
        has_next: true,
        has_prev: false,
      },
    });
    // Most recently updated first: Beta was published last.
    assert.deepEqual(
      page1.map((w: { name: string }) => w.name),
      ["Beta", "Gamma"],
    );
    assert.equal("nodes" in page1[0], false);
    for (const key of [
      "workflow_id",
      "name",
      "description",
      "status",
      "is_active",
      "created_at",
      "updated_at",
    ]) {
      assert.ok(key in page1[0], `list item lacks ${key}`);
    }
    // The original module's execution counters; these workflows never ran.
    assert.deepEqual(
      [
        page1[0].execution_count,
        page1[0].success_count,
        page1[0].failure_count,
        page1[0].last_executed_at,
      ],
      [0, 0, 0, null],
    );
    const second = await admin.get(`/api/v1/workflows?community_id=${community}&page=2&per_page=2`);
    assert.deepEqual(
      expectSuccess(second, 200).map((w: { name: string }) => w.name),
      ["Alpha"],
    );
    assert.deepEqual(second.body.meta.pagination, {
      page: 2,
      per_page: 2,
      total: 3,
      total_pages: 2,
      has_next: false,
      has_prev: true,
    });

    const published = expectSuccess(
      await admin.get(`/api/v1/workflows?community_id=${community}&status=published`),
      200,
    );
    assert.deepEqual(
      published.map((w: { name: string; is_active: boolean }) => [w.name, w.is_active]),
      [["Beta", true]],
    );
    const searched = expectSuccess(
      await admin.get(`/api/v1/workflows?community_id=${community}&search=gam`),
      200,
    );
    assert.deepEqual(
      searched.map((w: { name: string }) => w.name),
      ["Gamma"],
    );
    const otherEntity = expectSuccess(
      await admin.get(`/api/v1/workflows?community_id=${community}&entity_id=1`),
      200,
    );
    assert.deepEqual(otherEntity, []);

    const bad = expectError(
      await admin.get("/api/v1/workflows?community_id=abc&per_page=500&status=active"),
      400,
      "BAD_REQUEST",
    );
    assert.deepEqual(violationFields(bad), ["community_id", "status"]);
    expectError(
      await admin.get(`/api/v1/workflows?community_id=${community}&per_page=500`),
      400,
      "BAD_REQUEST",
    );
    // Without community_id: every community the caller can see (an admin: all of them).
    const everywhere = await admin.get("/api/v1/workflows?per_page=100");
    const names = expectSuccess(everywhere, 200).map((w: { name: string }) => w.name);
    for (const name of ["Alpha", "Beta", "Gamma"]) assert.ok(names.includes(name), name);
    assert.ok(everywhere.body.meta.pagination.total >= 3);
    assert.ok(
      expectSuccess(everywhere, 200).some(
        (w: { community_id: number }) => w.community_id !== community,
      ),
      "workflows of other communities are listed too",
    );
  });
});

describe("PUT /api/v1/workflows/:id (W4)", () => {
  it("changes only the keys present, merges single limits, and checks expected_version", async () => {
    const workflowId = await createWorkflow(admin, greeterWorkflow(123));
    const updated = expectSuccess(
      await admin.put(`/api/v1/workflows/${workflowId}`, {
        description: "Now politer",
        expected_version: 1,
      }),
      200,
    );
    assert.equal(updated.description, "Now politer");
    assert.equal(updated.name, "Greeter");
    assert.equal(updated.version, 2);
    assert.equal(updated.nodes.length, 3);

    const limited = expectSuccess(
      await admin.put(`/api/v1/workflows/${workflowId}`, { max_iterations: 5 }),
      200,
    );
    assert.deepEqual(limited.metadata.limits, { timeout_seconds: 60, max_loop_iterations: 5 });

    const nodesOnly = expectSuccess(
      await admin.put(`/api/v1/workflows/${workflowId}`, {
        nodes: { only: { node_type: "flow_end", label: "Only", position: { x: 0, y: 0 } } },
        connections: [],
      }),
      200,
    );
    assert.deepEqual(
      nodesOnly.nodes.map((n: { node_id: string }) => n.node_id),
      ["only"],
    );
    assert.equal(nodesOnly.description, "Now politer");

    const nothing = expectError(
      await admin.put(`/api/v1/workflows/${workflowId}`, {
        trigger_type: "command",
        community_id: 123,
      }),
      400,
      "BAD_REQUEST",
    );
    assert.deepEqual(violationFields(nothing), ["body"]);
    const stale = expectError(
      await admin.put(`/api/v1/workflows/${workflowId}`, { name: "x", expected_version: 1 }),
      409,
      "CONFLICT",
    );
    assert.equal(stale.workflow_id, workflowId);
    expectError(
      await admin.put(`/api/v1/workflows/${workflowId}`, { name: "  " }),
      400,
      "BAD_REQUEST",
    );
  });
});

describe("POST /api/v1/workflows/:id/validate (W7)", () => {
  it("answers the original's shape for a valid workflow", async () => {
    const workflowId = await createWorkflow(admin, greeterWorkflow(123));
    const data = expectSuccess(await admin.post(`/api/v1/workflows/${workflowId}/validate`), 200);
    assert.deepEqual(data, {
      is_valid: true,
      errors: [],
      warnings: [],
      node_validation_errors: {},
      error_count: 0,
      warning_count: 0,
      issues: { errors: [], warnings: [] },
    });
  });

  it("puts node errors under node_validation_errors and counts them", async () => {
    const workflowId = await createWorkflow(admin, invalidWorkflow(123));
    const data = expectSuccess(await admin.post(`/api/v1/workflows/${workflowId}/validate`), 200);
    assert.equal(data.is_valid, false);
    assert.deepEqual(Object.keys(data.node_validation_errors).sort(), ["mystery", "start"]);
    assert.equal(data.node_validation_errors.start.length, 2);
    assert.match(data.node_validation_errors.mystery[0], /no_such_type/);
    assert.equal(data.error_count, 3);
    assert.equal(data.warning_count, data.warnings.length);
    assert.ok(data.warnings.length >= 1);
    for (const warning of data.warnings) assert.equal(typeof warning, "string");
    const unknownType = data.issues.errors.find(
      (issue: { node_id: string }) => issue.node_id === "mystery",
    );
    assert.equal(unknownType.code, "UNKNOWN_NODE_TYPE");
  });
});

describe("POST /api/v1/workflows/:id/publish (W6)", () => {
  it("publishes a valid workflow", async () => {
    const workflowId = await createWorkflow(admin, greeterWorkflow(123));
    const reply = await admin.post(`/api/v1/workflows/${workflowId}/publish`);
    const data = expectSuccess(reply, 200);
    assert.equal(reply.body.message, "Workflow published");
    assert.equal(data.status, "published");
    assert.equal(data.is_active, true);
    assert.equal(data.published_version, 1);
    assert.match(data.published_at, isoPattern);
    assert.equal(reply.body.meta.validation.is_valid, true);
  });

  it("answers an invalid workflow with 400 and one violation per error", async () => {
    const workflowId = await createWorkflow(admin, invalidWorkflow(123));
    const details = expectError(
      await admin.post(`/api/v1/workflows/${workflowId}/publish`),
      400,
      "BAD_REQUEST",
    );
    const violations = details.field_violations as { node_id?: string }[];
    assert.equal(violations.length, 3);
    assert.deepEqual(violations.map((v) => v.node_id).sort(), ["mystery", "start", "start"]);
    const still = expectSuccess(await admin.get(`/api/v1/workflows/${workflowId}`), 200);
    assert.equal(still.status, "draft");
  });
});

describe("DELETE /api/v1/workflows/:id (W5)", () => {
  it("archives, after which edits, publishing and executions are refused with 409", async () => {
    const workflowId = await createWorkflow(admin, greeterWorkflow(123), { publish: true });
    const reply = await admin.delete(`/api/v1/workflows/${workflowId}`);
    assert.deepEqual(expectSuccess(reply, 200), { workflow_id: workflowId, status: "archived" });
    assert.equal(reply.body.message, "Workflow archived");
    // Archiving again is harmless.
    expectSuccess(await admin.delete(`/api/v1/workflows/${workflowId}`), 200);
    const fetched = expectSuccess(await admin.get(`/api/v1/workflows/${workflowId}`), 200);
    assert.equal(fetched.status, "archived");
    assert.equal(fetched.is_active, false);

    expectError(
      await admin.put(`/api/v1/workflows/${workflowId}`, { name: "again" }),
      409,
      "FAILED_PRECONDITION",
    );
    expectError(
      await admin.post(`/api/v1/workflows/${workflowId}/publish`),
      409,
      "FAILED_PRECONDITION",
    );
    expectError(
      await admin.post(`/api/v1/workflows/${workflowId}/execute`, { community_id: 123 }),
      409,
      "FAILED_PRECONDITION",
    );
  });
});
