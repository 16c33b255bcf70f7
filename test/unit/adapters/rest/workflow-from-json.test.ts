import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  createWorkflowFromJson,
  updateWorkflowFromJson,
} from "../../../../src/adapters/rest/workflow-from-json.js";
import { DomainError } from "../../../../src/domain/errors.js";

function violationsOf(fn: () => unknown): { field: string; description: string }[] {
  try {
    fn();
  } catch (error) {
    assert.ok(DomainError.is(error), "expected a DomainError");
    assert.equal(error.reason, "BAD_REQUEST");
    return error.violations;
  }
  assert.fail("expected BAD_REQUEST");
}

describe("createWorkflowFromJson", () => {
  it("reads the contract's snake_case shape", () => {
    const input = createWorkflowFromJson({
      metadata: {
        name: "Greeter",
        description: "says hi",
        community_id: 123,
        entity_id: "7",
        tags: ["a"],
        limits: { timeout_seconds: 30, max_loop_iterations: "5" },
      },
      global_variables: { greeting: "hi" },
      nodes: [
        {
          node_id: "t",
          node_type: "trigger_command",
          label: "Start",
          position: { x: 1, y: 2 },
          enabled: false,
          description: "d",
          config: { command_pattern: "!hi" },
        },
      ],
      connections: [
        { connection_id: "c1", from_node_id: "t", from_port_name: "output", to_node_id: "e" },
      ],
    });
    assert.deepEqual(input, {
      name: "Greeter",
      description: "says hi",
      communityId: 123,
      entityId: 7,
      tags: ["a"],
      definition: {
        globalVariables: { greeting: "hi" },
        nodes: [
          {
            nodeId: "t",
            nodeType: "trigger_command",
            label: "Start",
            position: { x: 1, y: 2 },
            enabled: false,
            description: "d",
            config: { command_pattern: "!hi" },
          },
        ],
        connections: [
          {
            connectionId: "c1",
            fromNodeId: "t",
            fromPortName: "output",
            toNodeId: "e",
            toPortName: "input",
            enabled: true,
          },
        ],
        limits: { timeoutSeconds: 30, maxLoopIterations: 5 },
      },
    });
  });

  it("reads the original flat shape with nodes keyed by id and type fields at the top level", () => {
    const input = createWorkflowFromJson({
      name: "Legacy",
      community_id: "42",
      entity_id: 9,
      max_execution_time_seconds: 60,
      trigger_type: "command",
      license_key: "ignored",
      nodes: {
        start: {
          node_type: "trigger_command",
          label: "Start",
          position: { x: 0, y: 0 },
          command_pattern: "!go",
          input_ports: [],
          output_ports: [{ name: "output" }],
          created_at: "2025-01-01T00:00:00Z",
        },
        end: {
          node_id: "end",
          node_type: "flow_end",
          label: "End",
          position: { x: 10, y: 0 },
          output_variable: "x",
          config: { output_variable: "y" },
        },
      },
    });
    assert.equal(input.name, "Legacy");
    assert.equal(input.communityId, 42);
    assert.equal(input.entityId, 9);
    assert.deepEqual(input.definition.limits, { timeoutSeconds: 60 });
    assert.deepEqual(
      input.definition.nodes.map((n) => [n.nodeId, n.nodeType, n.config]),
      [
        ["start", "trigger_command", { command_pattern: "!go" }],
        // `config` wins over a top-level field of the same name.
        ["end", "flow_end", { output_variable: "y" }],
      ],
    );
    assert.deepEqual(input.definition.connections, []);
    assert.deepEqual(input.definition.globalVariables, {});
  });

  it("lists every bad field at once", () => {
    const violations = violationsOf(() =>
      createWorkflowFromJson({
        name: 5,
        community_id: "abc",
        tags: "x",
        nodes: { a: { node_id: "b", node_type: "flow_end" }, c: "nope" },
        connections: {},
      }),
    );
    assert.deepEqual(
      violations.map((v) => v.field),
      ["name", "community_id", "tags", "nodes.a.node_id", "nodes.c", "connections"],
    );
  });

  it("requires name and a positive community_id", () => {
    const violations = violationsOf(() => createWorkflowFromJson({ community_id: 0 }));
    assert.deepEqual(
      violations.map((v) => v.field),
      ["name", "community_id"],
    );
    const missing = violationsOf(() => createWorkflowFromJson({ metadata: { name: "x" } }));
    assert.deepEqual(missing, [{ field: "community_id", description: "community_id is required" }]);
  });

  it("rejects a node without node_type and a non-numeric position", () => {
    const violations = violationsOf(() =>
      createWorkflowFromJson({
        name: "x",
        community_id: 1,
        nodes: [{ node_id: "a", position: { x: "left", y: 0 } }],
      }),
    );
    assert.deepEqual(
      violations.map((v) => v.field),
      ["nodes[0].node_type", "nodes[0].position.x"],
    );
  });
});

describe("updateWorkflowFromJson", () => {
  it("changes only the fields present", () => {
    const input = updateWorkflowFromJson("wf", {
      description: "new",
      expected_version: 3,
      trigger_type: "ignored",
    });
    assert.deepEqual(input, { workflowId: "wf", expectedVersion: 3, description: "new" });
  });

  it("accepts the contract's metadata object", () => {
    const input = updateWorkflowFromJson("wf", {
      metadata: { name: "N", tags: [], limits: { max_loop_depth: 2 } },
    });
    assert.deepEqual(input, { workflowId: "wf", name: "N", tags: [], limits: { maxLoopDepth: 2 } });
  });

  it("passes the original's flat limit fields as changes to merge", () => {
    const input = updateWorkflowFromJson("wf", {
      max_execution_time: 20,
      max_iterations: 7,
    });
    assert.deepEqual(input, {
      workflowId: "wf",
      limitChanges: { timeoutSeconds: 20, maxLoopIterations: 7 },
    });
  });

  it("is a BAD_REQUEST when nothing updatable is present", () => {
    const violations = violationsOf(() =>
      updateWorkflowFromJson("wf", { trigger_type: "command", community_id: 1 }),
    );
    assert.equal(violations[0]?.field, "body");
  });
});
