import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { HttpActionGateway } from "../../../src/adapters/outbound/http-action-gateway.js";
import { DomainError } from "../../../src/domain/errors.js";
import type { ModuleRequest } from "../../../src/domain/ports/action-gateway.js";
import { domainError } from "./domain-error-matcher.js";
import { RecordingServer, within } from "./recording-server.js";

/** The slow servers answer after 10 s; "promptly" means well before that. */
const serverDelayMs = 10_000;
const promptlyMs = 5_000;

describe("HttpActionGateway: timeouts and cancellation", () => {
  let slow: RecordingServer;
  let stalling: RecordingServer;
  let gateway: HttpActionGateway;

  before(async () => {
    slow = await RecordingServer.start((_request, res, server) => {
      server.later(serverDelayMs, () => res.end("too late"));
    });
    // Sends the headers and a first chunk, then stalls in the middle of the body.
    stalling = await RecordingServer.start((_request, res, server) => {
      res.setHeader("content-type", "text/plain");
      res.write("first part ");
      server.later(serverDelayMs, () => res.end("second part"));
    });
    gateway = new HttpActionGateway({
      routerUrl: slow.url(),
      browserSourceUrl: slow.url(),
      allowHosts: "127.0.0.1",
    });
  });

  after(async () => {
    await gateway.close();
    await slow.close();
    await stalling.close();
  });

  it("a webhook timeout fails with deadline_exceeded and closes the connection", async () => {
    const before = slow.requests.length;
    await assert.rejects(
      within(
        gateway.callWebhook(
          { url: slow.url("/hook"), method: "POST", headers: {}, body: "{}", timeoutMs: 200 },
          new AbortController().signal,
        ),
        promptlyMs,
        "the timeout",
      ),
      domainError(
        "deadline_exceeded",
        "EXECUTION_TIMEOUT",
        /webhook to 127\.0\.0\.1:\d+ timed out after 200 ms/,
      ),
    );
    const received = slow.requests[before];
    assert.ok(received, "the server received the request before the timeout");
    await within(received.connectionClosed, promptlyMs, "the server seeing the connection close");
  });

  it("a router call times out the same way", async () => {
    await assert.rejects(
      within(
        gateway.executeModule(moduleRequest(200), new AbortController().signal),
        promptlyMs,
        "the timeout",
      ),
      domainError("deadline_exceeded", "EXECUTION_TIMEOUT", /router execute-module timed out/),
    );
  });

  it("a timeout in the middle of the response body also fails with deadline_exceeded", async () => {
    await assert.rejects(
      within(
        gateway.callWebhook(
          { url: stalling.url("/hook"), method: "GET", headers: {}, body: null, timeoutMs: 300 },
          new AbortController().signal,
        ),
        promptlyMs,
        "the timeout",
      ),
      domainError("deadline_exceeded", "EXECUTION_TIMEOUT"),
    );
  });

  it("the caller's abort stops an in-flight request promptly and rejects with its reason", async () => {
    const controller = new AbortController();
    const before = slow.requests.length;
    const pending = gateway.callWebhook(
      { url: slow.url("/cancel-me"), method: "POST", headers: {}, body: "{}", timeoutMs: 60_000 },
      controller.signal,
    );
    const received = await within(slow.request(before), promptlyMs, "the request arriving");
    const reason = new Error("execution cancelled");
    controller.abort(reason);
    await assert.rejects(within(pending, promptlyMs, "the rejection"), (error) => error === reason);
    await within(received.connectionClosed, promptlyMs, "the server seeing the connection close");
  });

  it("the caller's abort also stops a router call and a response body in flight", async () => {
    const routerCall = new AbortController();
    const before = slow.requests.length;
    const pendingRouter = gateway.executeModule(moduleRequest(60_000), routerCall.signal);
    const routerReceived = await within(
      slow.request(before),
      promptlyMs,
      "the router request arriving",
    );
    routerCall.abort();
    await assert.rejects(within(pendingRouter, promptlyMs, "the rejection"), {
      name: "AbortError",
    });
    await within(routerReceived.connectionClosed, promptlyMs, "the router connection closing");

    const bodyRead = new AbortController();
    const stallingBefore = stalling.requests.length;
    const pendingBody = gateway.callWebhook(
      { url: stalling.url("/body"), method: "GET", headers: {}, body: null, timeoutMs: 60_000 },
      bodyRead.signal,
    );
    const bodyReceived = await within(
      stalling.request(stallingBefore),
      promptlyMs,
      "the webhook request arriving",
    );
    bodyRead.abort(new Error("stop reading"));
    await assert.rejects(within(pendingBody, promptlyMs, "the rejection"), /stop reading/);
    await within(bodyReceived.connectionClosed, promptlyMs, "the webhook connection closing");
  });

  it("an already aborted signal rejects with its reason and sends nothing", async () => {
    const before = slow.requests.length;
    const connections = slow.connections;
    const reason = new Error("already gone");
    await assert.rejects(
      gateway.callWebhook(
        { url: slow.url("/never"), method: "GET", headers: {}, body: null, timeoutMs: 1000 },
        AbortSignal.abort(reason),
      ),
      (error) => error === reason && !DomainError.is(error),
    );
    assert.equal(slow.requests.length, before);
    assert.equal(slow.connections, connections);
  });
});

function moduleRequest(timeoutMs: number): ModuleRequest {
  return {
    moduleName: "slow",
    moduleVersion: "1",
    input: {},
    entityId: 1,
    userId: "u",
    sessionId: "s",
    timeoutMs,
  };
}
