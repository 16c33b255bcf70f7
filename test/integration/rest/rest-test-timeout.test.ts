import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { startTestService, type TestService } from "../../support/server-harness.js";
import { createWorkflow } from "./create-workflow.js";
import { restConnection, restNode } from "./fixtures.js";
import { expectError, expectSuccess } from "./helpers.js";
import { RestClient } from "./rest-client.js";

/*
 * A dry-run never waits (actions are simulated, delays are not waited), so its timeout can only
 * trip while the engine works through a synchronous stretch. The engine checks the deadline on
 * every node start and loop iteration, so this happens under the service's default limits
 * (MAX_TOTAL_OPERATIONS 1000, MAX_LOOP_ITERATIONS 100) too: the service below runs with them, and
 * the workflow lowers its own timeout to 1 second.
 *
 * The runaway workflow nests two loops (4 × 99 iterations, about 800 operations) and each body
 * run evaluates an expression that walks a 150 × 150 comprehension (about 183,000 cost units,
 * under the 300,000 budget; about 10 ms here): some 400 evaluations, seconds of work on any
 * machine, so the one-second timeout trips long before the run could end and the outcome does
 * not depend on the machine's speed.
 */

const community = 321;
const expensive = "{{ vars.big.all(x, vars.big.all(y, x + y > -1.0)) }}";

/**
 * trigger → foreach over `outerRounds` items → foreach over `innerRounds` items → a variable
 * set whose template walks `bigSize` × `bigSize` elements.
 */
function loopingWorkflow(
  name: string,
  outerRounds: number,
  innerRounds: number,
  bigSize: number,
): Record<string, unknown> {
  return {
    metadata: {
      name,
      community_id: community,
      entity_id: 1,
      limits: { timeout_seconds: 1 },
    },
    global_variables: {
      big: Array.from({ length: bigSize }, (_, i) => i),
      outer_rounds: Array.from({ length: outerRounds }, () => 0),
      inner_rounds: Array.from({ length: innerRounds }, () => 0),
    },
    nodes: [
      restNode("start", "trigger_command", { command_pattern: "!spin", platforms: ["twitch"] }, 0),
      restNode(
        "outer",
        "loop_foreach",
        { array_variable: "outer_rounds", item_variable: "o", index_variable: "oi" },
        100,
      ),
      restNode(
        "inner",
        "loop_foreach",
        { array_variable: "inner_rounds", item_variable: "i", index_variable: "ii" },
        200,
      ),
      restNode("work", "data_variable_set", { variables: { walked: expensive } }, 300),
    ],
    connections: [
      restConnection("c1", "start", "output", "outer"),
      restConnection("c2", "outer", "loop", "inner"),
      restConnection("c3", "inner", "loop", "work"),
      restConnection("c4", "work", "output", "inner"),
      restConnection("c5", "inner", "done", "outer"),
    ],
  };
}

describe("POST /api/v1/workflows/:id/test: a dry-run over its timeout (E5)", () => {
  let svc: TestService;
  let admin: RestClient;

  before(async () => {
    // The default engine limits (no MAX_TOTAL_OPERATIONS / MAX_LOOP_ITERATIONS override).
    svc = await startTestService();
    admin = new RestClient(svc.url, svc.adminKey);
  });
  after(() => svc.close());

  it(
    "answers 504 EXECUTION_TIMEOUT in the error envelope, with the trace so far in details.result",
    {
      timeout: 60_000,
    },
    async () => {
      const workflowId = await createWorkflow(admin, loopingWorkflow("Runaway", 4, 99, 150));
      const reply = await admin.post(`/api/v1/workflows/${workflowId}/test`, {
        community_id: community,
        variables: { probe: "value" },
      });
      const details = expectError(reply, 504, "EXECUTION_TIMEOUT");
      assert.match(reply.body.message, /exceeded its timeout of 1000 ms/);
      assert.deepEqual(Object.keys(details).sort(), ["execution_id", "result", "workflow_id"]);
      assert.equal(details.workflow_id, workflowId);

      // biome-ignore lint/suspicious/noExplicitAny: the test result JSON, checked field by field
      const result = details.result as any;
      assert.equal(result.execution_id, details.execution_id);
      assert.equal(result.workflow_id, workflowId);
      assert.equal(result.test_mode, true);
      assert.equal(result.status, "failed");
      assert.equal(result.success, false);
      assert.equal(result.error_code, "EXECUTION_TIMEOUT");
      assert.equal(result.error, reply.body.message);
      assert.equal(result.summary.passed, false);
      assert.equal(result.final_variables.probe, "value");
      assert.ok(result.trace.length > 0);
      const work = result.trace.filter(
        (t: { node_id: string; status: string }) =>
          t.node_id === "work" && t.status === "completed",
      );
      assert.ok(work.length > 0, "the loop ran before the timeout stopped it");
      assert.equal(work[0].output.walked, true);
      assert.ok(result.summary.nodes_executed < 1000, "the operation limit did not stop it");

      // No node started once the deadline (run start + 1000 ms, the run starting no later than
      // its trigger node) had passed.
      const trigger = result.trace.find((t: { node_id: string }) => t.node_id === "start");
      const deadline = Date.parse(trigger.started_at) + 1000;
      const late = result.trace.filter(
        (t: { started_at: string | null }) =>
          t.started_at !== null && Date.parse(t.started_at) >= deadline,
      );
      assert.deepEqual(late, []);
      assert.ok(
        result.trace.some((t: { status: string }) => t.status === "cancelled"),
        "what was running when the timeout tripped is recorded cancelled",
      );

      // A dry-run stores nothing, a timed-out one neither.
      const history = expectSuccess(
        await admin.get(`/api/v1/workflows/${workflowId}/executions`),
        200,
      );
      assert.deepEqual(history, []);
    },
  );

  it("the same loop bounded to finish in time is 200 with a passed result (control)", async () => {
    const workflowId = await createWorkflow(admin, loopingWorkflow("Bounded", 2, 10, 20));
    const reply = await admin.post(`/api/v1/workflows/${workflowId}/test`, {
      community_id: community,
    });
    const data = expectSuccess(reply, 200);
    assert.equal(reply.body.message, "Workflow test completed");
    assert.equal(data.status, "completed");
    assert.equal(data.summary.passed, true);
    assert.equal(data.final_variables.walked, true);
  });
});
