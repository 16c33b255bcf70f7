import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { Code } from "@connectrpc/connect";
import { ExecutionService } from "../../../src/gen/waddlebot/workflow/v1/execution_service_pb.js";
import { startTestService, type TestService } from "../../support/server-harness.js";
import { expectConnectError } from "../server/expect-error.js";
import { createWorkflow } from "./create-workflow.js";
import { restConnection, restNode } from "./fixtures.js";
import { expectError, expectSuccess, waitForExecution } from "./helpers.js";
import { type Reply, RestClient } from "./rest-client.js";

/*
 * REST answers obey MAX_RESPONSE_BYTES as gRPC and Connect answers do (Connect's
 * writeMaxBytes): an answer over it is refused with the error gRPC gives for the same case
 * (ResourceExhausted with ErrorInfo reason PAYLOAD_TOO_LARGE), here 413 PAYLOAD_TOO_LARGE in the
 * error envelope, never a cut body. The service runs with an 8 KiB limit; the workflows' node
 * runs make answers of tens of KiB while their definitions stay small.
 */

const limit = 8192;
const community = 77;
/** 40 items of 40 characters: about 3 KiB as variables, about 25 KiB of node runs. */
const items = Array.from(
  { length: 40 },
  (_, i) => `item-${String(i).padStart(2, "0")}-${"x".repeat(32)}`,
);
const expensive = "{{ vars.big.all(x, vars.big.all(y, x + y > -1.0)) }}";

let edgeCount = 0;
/** A connection with the next free id. */
const edge = (from: string, fromPort: string, to: string) =>
  restConnection(`c${++edgeCount}`, from, fromPort, to);

/** trigger → foreach over vars.items → a variable set per item (one node run per item). */
function fillWorkflow(name: string): Record<string, unknown> {
  return {
    metadata: { name, community_id: community, entity_id: 1 },
    nodes: [
      restNode("start", "trigger_command", { command_pattern: "!fill", platforms: ["twitch"] }),
      restNode("fill", "loop_foreach", { array_variable: "items", item_variable: "it" }),
      restNode("keep", "data_variable_set", { variables: { last: "{{ it }}" } }),
    ],
    connections: [
      edge("start", "output", "fill"),
      edge("fill", "loop", "keep"),
      edge("keep", "output", "fill"),
    ],
  };
}

/**
 * The fill loop, then nested loops whose body walks a 150 × 150 comprehension (about 183,000
 * cost units, seconds of work in all), under a 1 s timeout: the run times out with a trace
 * already larger than the limit, on any machine.
 */
function fillThenSpinWorkflow(name: string): Record<string, unknown> {
  const fill = fillWorkflow(name) as { nodes: unknown[]; connections: unknown[] };
  return {
    metadata: { name, community_id: community, entity_id: 1, limits: { timeout_seconds: 1 } },
    global_variables: {
      big: Array.from({ length: 150 }, (_, i) => i),
      outer_rounds: [0, 0, 0, 0],
      inner_rounds: Array.from({ length: 99 }, () => 0),
    },
    nodes: [
      ...fill.nodes,
      restNode("outer", "loop_foreach", { array_variable: "outer_rounds", item_variable: "o" }),
      restNode("inner", "loop_foreach", { array_variable: "inner_rounds", item_variable: "i" }),
      restNode("work", "data_variable_set", { variables: { walked: expensive } }),
    ],
    connections: [
      ...fill.connections,
      edge("fill", "done", "outer"),
      edge("outer", "loop", "inner"),
      edge("inner", "loop", "work"),
      edge("work", "output", "inner"),
      edge("inner", "done", "outer"),
    ],
  };
}

/** The refusal: 413 PAYLOAD_TOO_LARGE, the limit, the size, within the limit itself. */
function expectTooLarge(reply: Reply): Record<string, unknown> {
  const details = expectError(reply, 413, "PAYLOAD_TOO_LARGE");
  assert.ok(Buffer.byteLength(reply.text) <= limit, "the refusal fits the limit");
  assert.equal(details.limit, String(limit));
  const size = Number(details.response_bytes);
  assert.ok(size > limit, `response_bytes ${details.response_bytes}`);
  assert.match(
    reply.body.message,
    new RegExp(
      `^the answer \\(${size} bytes\\) is larger than the response limit of ${limit} bytes \\(MAX_RESPONSE_BYTES\\), so it was not sent: `,
    ),
  );
  return details;
}

describe("REST answers larger than MAX_RESPONSE_BYTES", () => {
  let svc: TestService;
  let admin: RestClient;

  before(async () => {
    svc = await startTestService({ env: { MAX_RESPONSE_BYTES: String(limit) } });
    admin = new RestClient(svc.url, svc.adminKey);
  });
  after(() => svc.close());

  describe("POST /api/v1/workflows/:id/test", () => {
    let workflowId: string;
    before(async () => {
      workflowId = await createWorkflow(admin, fillWorkflow("Fill"));
    });

    it("is 413 PAYLOAD_TOO_LARGE with the result without its trace, over HTTP/1.1 and HTTP/2", async () => {
      const body = { community_id: community, variables: { items } };
      for (const reply of [
        await admin.post(`/api/v1/workflows/${workflowId}/test`, body),
        await admin.callHttp2("POST", `/api/v1/workflows/${workflowId}/test`, { body }),
      ]) {
        const details = expectTooLarge(reply);
        assert.match(
          reply.body.message,
          /not sent: raise MAX_RESPONSE_BYTES to receive the trace\. details\.result is the test result without trace, final_variables and final_output$/,
        );
        assert.deepEqual(Object.keys(details).sort(), [
          "execution_id",
          "limit",
          "response_bytes",
          "result",
          "workflow_id",
        ]);
        assert.equal(details.workflow_id, workflowId);
        // biome-ignore lint/suspicious/noExplicitAny: the result JSON, checked field by field
        const result = details.result as any;
        assert.equal(result.execution_id, details.execution_id);
        assert.equal(result.workflow_id, workflowId);
        assert.equal(result.test_mode, true);
        assert.equal(result.status, "completed");
        assert.equal(result.success, true);
        assert.equal(result.error_code, null);
        assert.deepEqual(result.summary.passed, true);
        assert.equal(result.summary.nodes_executed, 2 + items.length);
        for (const omitted of ["trace", "final_variables", "final_output"]) {
          assert.equal(omitted in result, false, `${omitted} is left out`);
        }
      }
      const logged = svc.logs.find(
        (line) =>
          line.msg === "REST answer larger than MAX_RESPONSE_BYTES refused with PAYLOAD_TOO_LARGE",
      );
      assert.equal(logged.length, 2);
      assert.equal(logged[0]?.limit, limit);
      assert.equal(logged[0]?.status, 200);
      assert.equal(logged[0]?.path, `/api/v1/workflows/${workflowId}/test`);
    });

    it("gRPC and Connect refuse the same test the same way: ResourceExhausted, PAYLOAD_TOO_LARGE", async () => {
      const client = svc.connect(ExecutionService, "connect-h1", svc.adminKey);
      const error = await expectConnectError(
        client.testWorkflow({
          workflowId,
          communityId: BigInt(community),
          variables: { items },
        }),
        Code.ResourceExhausted,
        "PAYLOAD_TOO_LARGE",
      );
      assert.match(error.rawMessage, new RegExp(`larger than configured writeMaxBytes ${limit}`));
    });

    it("answers 200 with the whole trace when the answer fits (control)", async () => {
      const reply = await admin.post(`/api/v1/workflows/${workflowId}/test`, {
        community_id: community,
        variables: { items: items.slice(0, 3) },
      });
      const data = expectSuccess(reply, 200);
      assert.equal(data.status, "completed");
      assert.equal(data.trace.length, 2 + 3);
      assert.equal(data.final_variables.last, items[2]);
    });

    it(
      "a test run over its timeout with a trace over the limit is 413 too; details.result says EXECUTION_TIMEOUT",
      {
        timeout: 60_000,
      },
      async () => {
        const spinId = await createWorkflow(admin, fillThenSpinWorkflow("Fill then spin"));
        const reply = await admin.post(`/api/v1/workflows/${spinId}/test`, {
          community_id: community,
          variables: { items },
        });
        const details = expectTooLarge(reply);
        // biome-ignore lint/suspicious/noExplicitAny: the result JSON, checked field by field
        const result = details.result as any;
        assert.equal(result.status, "failed");
        assert.equal(result.success, false);
        assert.equal(result.error_code, "EXECUTION_TIMEOUT");
        assert.match(result.error, /exceeded its timeout of 1000 ms/);
        assert.equal(result.summary.passed, false);
        assert.equal("trace" in result, false);
      },
    );
  });

  describe("GET /api/v1/workflows/executions/:id", () => {
    it("is 413 with its node runs, 200 without them (include_node_runs=false)", async () => {
      const workflowId = await createWorkflow(admin, fillWorkflow("Fill live"), { publish: true });
      const started = expectSuccess(
        await admin.post(`/api/v1/workflows/${workflowId}/execute`, {
          community_id: community,
          variables: { items },
        }),
        202,
      );
      const executionId = started.execution_id as string;
      const light = await waitForExecution(admin, executionId);
      assert.equal(light.status, "completed");
      assert.equal(light.final_variables.last, items[items.length - 1]);
      assert.equal("node_runs" in light, false);

      const full = await admin.get(`/api/v1/workflows/executions/${executionId}`);
      const details = expectTooLarge(full);
      assert.match(
        full.body.message,
        /not sent: ask without the node runs \(include_node_runs=false\), or raise MAX_RESPONSE_BYTES$/,
      );
      assert.deepEqual(Object.keys(details).sort(), ["limit", "response_bytes"]);

      // The stored execution is untouched by the refusal: the light answer still reads it.
      const again = expectSuccess(
        await admin.get(`/api/v1/workflows/executions/${executionId}?include_node_runs=false`),
        200,
      );
      assert.equal(again.status, "completed");
    });
  });
});
