import assert from "node:assert/strict";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { after, before, describe, it } from "node:test";
import { RecordingActionGateway } from "../../../../src/adapters/engine-support/recording-action-gateway.js";
import { SystemClock } from "../../../../src/adapters/system/system-clock.js";
import { compileWorkflow } from "../../../../src/domain/engine/compile-workflow.js";
import { dryRunWorkflow } from "../../../../src/domain/engine/dry-run.js";
import { runWorkflow } from "../../../../src/domain/engine/run-workflow.js";
import type { JsonValue } from "../../../../src/domain/json.js";
import type { ActionGateway, ActionResponse } from "../../../../src/domain/ports/action-gateway.js";
import { ManualClock } from "../../../support/engine/manual-clock.js";
import {
  compiler,
  context,
  definition,
  edge,
  node,
  trigger,
} from "../../../support/engine/workflow-builder.js";

/** A real HTTP-capable gateway: every call becomes a POST to `base`. */
class FetchGateway implements ActionGateway {
  constructor(private readonly base: string) {}
  private async post(path: string, body: unknown, signal: AbortSignal): Promise<ActionResponse> {
    const response = await fetch(`${this.base}${path}`, {
      method: "POST",
      body: JSON.stringify(body),
      signal,
    });
    return { status: response.status, headers: {}, body: (await response.json()) as JsonValue };
  }
  executeModule(request: object, signal: AbortSignal) {
    return this.post("/api/v1/execute-module", request, signal);
  }
  sendChatMessage(request: object, signal: AbortSignal) {
    return this.post("/api/v1/send-message", request, signal);
  }
  updateBrowserSource(request: object, signal: AbortSignal) {
    return this.post("/api/v1/update", request, signal);
  }
  callWebhook(request: { url: string }, signal: AbortSignal) {
    return this.post("/hook", request, signal);
  }
}

describe("dry-run", () => {
  let server: Server;
  let base = "";
  let hits = 0;
  before(async () => {
    server = createServer((req, res) => {
      hits++;
      req.resume();
      res.setHeader("content-type", "application/json");
      res.end(JSON.stringify({ result: { output: { real: true } }, message_id: "m1" }));
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(() => new Promise<void>((resolve) => server.close(() => resolve())));

  const workflow = () =>
    compileWorkflow(
      definition(
        [
          trigger(),
          node("mod", "action_module", {
            module_name: "greeter",
            input_mapping: { "trigger.user": "who" },
            output_mapping: { greeting: "greeting" },
          }),
          node("hook", "action_webhook", {
            url: `${base}/hook/{{ trigger.user }}`,
            body_template: '{"u": "{{ trigger.user }}"}',
            output_variable: "hook_result",
          }),
          node("chat", "action_chat_message", { message_template: "hi {{ trigger.user }}" }),
          node("src", "action_browser_source", { content_template: "shown" }),
          node("wait", "action_delay", { delay_ms: 250_000 }),
        ],
        [
          edge("t", "mod"),
          edge("mod", "hook", "success"),
          edge("hook", "chat", "success"),
          edge("chat", "src", "success"),
          edge("src", "wait", "success"),
        ],
      ),
      compiler,
    );

  it("the gateway works against the server (control: live mode sends requests)", async () => {
    hits = 0;
    const controller = new AbortController();
    const handle = runWorkflow(
      workflow(),
      { context: context(), trigger: { data: { user: "ann" } }, signal: controller.signal },
      { gateway: new FetchGateway(base), clock: new SystemClock() },
    );
    const wfWithoutDelay = await Promise.race([
      handle.result,
      new Promise((r) => setTimeout(r, 500, "running")),
    ]);
    assert.equal(wfWithoutDelay, "running", "live mode waits on the delay");
    assert.equal(hits, 4);
    controller.abort();
    assert.equal((await handle.result).status, "cancelled");
  });

  it("sends nothing: the real server receives zero requests; requests are recorded, mocks and defaults returned", async () => {
    hits = 0;
    const handle = runWorkflow(
      workflow(),
      {
        context: context(),
        trigger: { data: { user: "ann" } },
        mode: "dry_run",
        mocks: { mod: { status: 200, output: { greeting: "hello ann" } } },
      },
      { gateway: new FetchGateway(base), clock: new SystemClock() },
    );
    const result = await handle.result;
    assert.equal(hits, 0);
    assert.equal(result.status, "completed");
    const trace = result.trace ?? [];
    assert.deepEqual(
      trace.map((r) => r.nodeId),
      ["t", "mod", "hook", "chat", "src", "wait"],
    );
    assert.deepEqual(
      trace.map((r) => r.sequence),
      [1, 2, 3, 4, 5, 6],
    );
    const byId = Object.fromEntries(trace.map((r) => [r.nodeId, r]));
    assert.deepEqual(byId.mod?.output, { status: 200, output: { greeting: "hello ann" } });
    assert.deepEqual(byId.mod?.simulatedRequest, {
      kind: "execute_module",
      module_name: "greeter",
      module_version: "latest",
      input: { who: "ann" },
      entity_id: 42,
      user_id: "user-1",
      session_id: "session-1",
      timeout_ms: 30000,
    });
    assert.equal((byId.hook?.simulatedRequest as { url: string }).url, `${base}/hook/ann`);
    assert.equal((byId.hook?.simulatedRequest as { body: string }).body, '{"u": "ann"}');
    assert.deepEqual(byId.hook?.output, { status: 200, body: {} });
    assert.deepEqual(byId.chat?.output, { status: 200, message_id: "dry-run" });
    assert.equal((byId.chat?.simulatedRequest as { message: string }).message, "hi ann");
    assert.deepEqual(byId.src?.output, { status: 200, source_updated: true });
    assert.deepEqual(byId.wait?.simulatedRequest, { kind: "delay", delay_ms: 250_000 });
    assert.deepEqual(result.finalVariables, {
      greeting: "hello ann",
      hook_result: { status: 200, body: {} },
    });
    assert.deepEqual(result.counts, { completed: 6, failed: 0, skipped: 0, cancelled: 0 });
  });
});

describe("dryRunWorkflow", () => {
  it("answers the trace in execution order (a loop node before its body) and the summary", async () => {
    const looping = compileWorkflow(
      definition(
        [
          trigger(),
          node("loop", "loop_foreach", { array_variable: "trigger.items" }),
          node("add", "data_transform", { transformations: { total: "vars.total + item" } }),
          node("hook", "action_webhook", { url: "https://example.test/{{ vars.total }}" }),
        ],
        [
          edge("t", "loop"),
          edge("loop", "add", "loop"),
          edge("add", "loop"),
          edge("loop", "hook", "done"),
        ],
        { total: 0 },
      ),
      compiler,
    );
    const gateway = new RecordingActionGateway();
    const { outcome, trace, summary } = await dryRunWorkflow(
      looping,
      { context: context(), trigger: { data: { items: [1, 2, 3] } } },
      { gateway, clock: new ManualClock() },
    );
    assert.equal(outcome.status, "completed");
    assert.equal(gateway.requests.length, 0);
    assert.equal(trace, outcome.trace, "one trace: the engine's");
    assert.deepEqual(
      trace.map((r) => `${r.sequence}:${r.nodeId}`),
      ["1:t", "2:loop", "3:add", "4:add", "5:add", "6:hook"],
    );
    assert.deepEqual(summary, {
      nodesExecuted: 6,
      nodesFailed: 0,
      durationMs: outcome.durationMs,
      passed: true,
    });
  });

  it("a failed dry-run is summarised as not passed, with its failed nodes", async () => {
    const failing = compileWorkflow(
      definition(
        [
          trigger(),
          node("bad", "data_transform", { transformations: { x: "vars.missing.deeper" } }),
        ],
        [edge("t", "bad")],
      ),
      compiler,
    );
    const { outcome, summary } = await dryRunWorkflow(
      failing,
      { context: context() },
      { gateway: new RecordingActionGateway(), clock: new ManualClock() },
    );
    assert.equal(outcome.status, "failed");
    assert.deepEqual(outcome.failedNodes, ["bad"]);
    assert.equal(summary.passed, false);
    assert.equal(summary.nodesFailed, 1);
    assert.equal(summary.nodesExecuted, 2);
  });
});
