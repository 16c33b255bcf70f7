import assert from "node:assert/strict";
import { after, before, beforeEach, describe, it } from "node:test";
import { HttpActionGateway } from "../../../src/adapters/outbound/http-action-gateway.js";
import type { WebhookRequest } from "../../../src/domain/ports/action-gateway.js";
import { domainError } from "./domain-error-matcher.js";
import { RecordingServer, type Responder, respondJson } from "./recording-server.js";

const signal = new AbortController().signal;

/** Answers by path, so one server can play router, browser source and webhook targets. */
const routes: Record<string, Responder> = {
  "/text": (_request, res) => {
    res.setHeader("content-type", "text/plain; charset=utf-8");
    res.end("plain answer");
  },
  "/problem-json": (_request, res) => {
    res.statusCode = 422;
    res.setHeader("content-type", "application/problem+json");
    res.end('{"title":"bad input"}');
  },
  "/broken-json": (_request, res) => {
    res.setHeader("content-type", "application/json");
    res.end("{not json");
  },
  "/server-error": (_request, res) => {
    res.statusCode = 503;
    res.setHeader("content-type", "application/json");
    res.setHeader("retry-after", "7");
    res.end('{"error":"overloaded"}');
  },
  "/not-found": (_request, res) => {
    res.statusCode = 404;
    res.end("no such hook");
  },
  "/multi-header": (_request, res) => {
    res.setHeader("x-multi", ["a", "b"]);
    res.end();
  },
};

describe("HttpActionGateway: what each action sends and how answers come back", () => {
  let server: RecordingServer;
  let gateway: HttpActionGateway;

  before(async () => {
    server = await RecordingServer.start((request, res, s) => {
      const route = routes[request.url.split("?")[0] ?? ""];
      (route ?? respondJson)(request, res, s);
    });
    gateway = new HttpActionGateway({
      routerUrl: server.url("/router"),
      browserSourceUrl: server.url("/browser/"),
      routerApiKey: "router-secret",
      userAgent: "WaddleBot-Test/1",
      allowHosts: ["127.0.0.1"],
    });
  });

  after(async () => {
    await gateway.close();
    await server.close();
  });

  beforeEach(() => {
    server.requests.length = 0;
  });

  it("action_module posts the original payload to {ROUTER_URL}/api/v1/execute-module", async () => {
    const response = await gateway.executeModule(
      {
        moduleName: "weather",
        moduleVersion: "latest",
        input: { city: "Oslo", days: 3 },
        entityId: 42,
        userId: "user-1",
        sessionId: "session-9",
        timeoutMs: 5000,
      },
      signal,
    );
    const received = await server.request();
    assert.equal(received.method, "POST");
    assert.equal(received.url, "/router/api/v1/execute-module");
    assert.equal(received.headers["content-type"], "application/json");
    assert.equal(received.headers["x-api-key"], "router-secret");
    assert.equal(received.headers["user-agent"], "WaddleBot-Test/1");
    assert.deepEqual(JSON.parse(received.body), {
      module_name: "weather",
      module_version: "latest",
      input: { city: "Oslo", days: 3 },
      entity_id: 42,
      user_id: "user-1",
      session_id: "session-9",
    });
    assert.equal(response.status, 200);
    assert.equal(response.headers["content-type"], "application/json");
    assert.deepEqual(response.body, {
      method: "POST",
      url: "/router/api/v1/execute-module",
      body: received.body,
    });
  });

  it("action_chat_message posts to /api/v1/send-message, channel and target only when set", async () => {
    await gateway.sendChatMessage(
      {
        message: "hello",
        destination: "specified_channel",
        entityId: 7,
        userId: "user-2",
        platform: "twitch",
        replyToMessage: true,
        channelId: "chan-1",
        targetUserId: null,
        timeoutMs: 5000,
      },
      signal,
    );
    await gateway.sendChatMessage(
      {
        message: "psst",
        destination: "user_pm",
        entityId: 7,
        userId: "user-2",
        platform: "discord",
        replyToMessage: false,
        channelId: null,
        targetUserId: "user-3",
        timeoutMs: 5000,
      },
      signal,
    );
    const [toChannel, toUser] = server.requests;
    assert.ok(toChannel && toUser);
    for (const received of [toChannel, toUser]) {
      assert.equal(received.method, "POST");
      assert.equal(received.url, "/router/api/v1/send-message");
      assert.equal(received.headers["x-api-key"], "router-secret");
      assert.equal(received.headers["content-type"], "application/json");
    }
    assert.deepEqual(JSON.parse(toChannel.body), {
      message: "hello",
      destination: "specified_channel",
      entity_id: 7,
      user_id: "user-2",
      platform: "twitch",
      reply_to_message: true,
      channel_id: "chan-1",
    });
    assert.deepEqual(JSON.parse(toUser.body), {
      message: "psst",
      destination: "user_pm",
      entity_id: 7,
      user_id: "user-2",
      platform: "discord",
      reply_to_message: false,
      target_user_id: "user-3",
    });
  });

  it("action_browser_source posts to {BROWSER_SOURCE_URL}/api/v1/update without the router key", async () => {
    const response = await gateway.updateBrowserSource(
      {
        sourceType: "ticker",
        action: "display",
        content: "Now live!",
        duration: 10,
        priority: 2,
        entityId: 42,
        timeoutMs: 5000,
      },
      signal,
    );
    const received = await server.request();
    assert.equal(received.method, "POST");
    assert.equal(received.url, "/browser/api/v1/update");
    assert.equal(received.headers["x-api-key"], undefined);
    assert.deepEqual(JSON.parse(received.body), {
      source_type: "ticker",
      action: "display",
      content: "Now live!",
      duration: 10,
      priority: 2,
      entity_id: 42,
    });
    assert.equal(response.status, 200);
  });

  it("the trusted router and browser-source URLs reach loopback without any allow-list", async () => {
    const strict = new HttpActionGateway({
      routerUrl: server.url(),
      browserSourceUrl: server.url(),
    });
    try {
      const response = await strict.updateBrowserSource(
        {
          sourceType: "general",
          action: "clear",
          content: "",
          duration: 1,
          priority: 0,
          entityId: 1,
          timeoutMs: 5000,
        },
        signal,
      );
      assert.equal(response.status, 200);
      assert.equal((await server.request()).url, "/api/v1/update");
      await assert.rejects(
        strict.callWebhook(webhook({ url: server.url("/hook") }), signal),
        domainError("permission_denied", "PERMISSION_DENIED", /not allowed/),
      );
    } finally {
      await strict.close();
    }
  });

  it("a webhook sends its method, headers and a JSON body with a JSON content type", async () => {
    await gateway.callWebhook(
      webhook({
        url: server.url("/hook?token=abc#fragment"),
        method: "PUT",
        headers: { Authorization: "Bearer t0ken", "X-Custom": "yes" },
        body: '{"event":"follow","count":3}',
      }),
      signal,
    );
    const received = await server.request();
    assert.equal(received.method, "PUT");
    assert.equal(received.url, "/hook?token=abc");
    assert.equal(received.headers.authorization, "Bearer t0ken");
    assert.equal(received.headers["x-custom"], "yes");
    assert.equal(received.headers["content-type"], "application/json");
    assert.equal(received.headers["user-agent"], "WaddleBot-Test/1");
    assert.equal(received.headers["x-api-key"], undefined);
    assert.equal(received.body, '{"event":"follow","count":3}');
  });

  it("a webhook body that is not JSON goes as text; a content type from the node wins", async () => {
    await gateway.callWebhook(webhook({ url: server.url("/a"), body: "just words" }), signal);
    await gateway.callWebhook(
      webhook({
        url: server.url("/b"),
        body: "a=1&b=2",
        headers: { "Content-Type": "application/x-www-form-urlencoded" },
      }),
      signal,
    );
    const [text, form] = server.requests;
    assert.equal(text?.headers["content-type"], "text/plain; charset=utf-8");
    assert.equal(text?.body, "just words");
    assert.equal(form?.headers["content-type"], "application/x-www-form-urlencoded");
    assert.equal(form?.body, "a=1&b=2");
  });

  it("a webhook without a body sends none; Host and framing headers from the node are ignored", async () => {
    await gateway.callWebhook(
      webhook({
        url: server.url("/get"),
        method: "GET",
        body: null,
        headers: { Host: "metadata.internal", "Content-Length": "99" },
      }),
      signal,
    );
    const received = await server.request();
    assert.equal(received.method, "GET");
    assert.equal(received.body, "");
    assert.equal(received.headers["content-type"], undefined);
    assert.equal(received.headers.host, `127.0.0.1:${server.port}`);
  });

  it("parses JSON answers (including +json) and returns other bodies as text", async () => {
    const text = await gateway.callWebhook(webhook({ url: server.url("/text") }), signal);
    assert.equal(text.body, "plain answer");
    const problem = await gateway.callWebhook(
      webhook({ url: server.url("/problem-json") }),
      signal,
    );
    assert.deepEqual(problem.body, { title: "bad input" });
    const broken = await gateway.callWebhook(webhook({ url: server.url("/broken-json") }), signal);
    assert.equal(broken.body, "{not json");
  });

  it("returns non-2xx statuses as answers, with their headers and bodies", async () => {
    const unavailable = await gateway.callWebhook(
      webhook({ url: server.url("/server-error") }),
      signal,
    );
    assert.equal(unavailable.status, 503);
    assert.equal(unavailable.headers["retry-after"], "7");
    assert.deepEqual(unavailable.body, { error: "overloaded" });
    const missing = await gateway.callWebhook(webhook({ url: server.url("/not-found") }), signal);
    assert.equal(missing.status, 404);
    assert.equal(missing.body, "no such hook");
  });

  it("joins repeated response headers with a comma", async () => {
    const response = await gateway.callWebhook(
      webhook({ url: server.url("/multi-header") }),
      signal,
    );
    assert.equal(response.headers["x-multi"], "a, b");
  });

  it("does not follow redirects from the trusted services: the 3xx is the answer", async () => {
    const redirector = await RecordingServer.start((_request, res) => {
      res.statusCode = 307;
      res.setHeader("location", server.url("/text"));
      res.end();
    });
    const redirecting = new HttpActionGateway({
      routerUrl: redirector.url(),
      browserSourceUrl: redirector.url(),
    });
    try {
      const response = await redirecting.executeModule(
        {
          moduleName: "m",
          moduleVersion: "1",
          input: {},
          entityId: 1,
          userId: "u",
          sessionId: "s",
          timeoutMs: 5000,
        },
        signal,
      );
      assert.equal(response.status, 307);
      assert.equal(response.headers.location, server.url("/text"));
      assert.equal(redirector.requests.length, 1);
      assert.equal(server.requests.length, 0);
    } finally {
      await redirecting.close();
      await redirector.close();
    }
  });

  it("refuses invalid webhook URLs, URLs with credentials and non-positive timeouts", async () => {
    await assert.rejects(
      gateway.callWebhook(webhook({ url: "not a url" }), signal),
      domainError("invalid_argument", "BAD_REQUEST", /not a valid absolute URL/),
    );
    await assert.rejects(
      gateway.callWebhook(webhook({ url: server.url("/x").replace("//", "//user:pw@") }), signal),
      domainError("invalid_argument", "BAD_REQUEST", /credentials/),
    );
    await assert.rejects(
      gateway.callWebhook(webhook({ url: server.url("/x"), timeoutMs: 0 }), signal),
      domainError("invalid_argument", "BAD_REQUEST", /timeout/),
    );
    await assert.rejects(
      gateway.callWebhook(
        webhook({ url: server.url("/x"), headers: { "X-Bad": "a\r\nb" } }),
        signal,
      ),
      domainError("invalid_argument", "BAD_REQUEST", /invalid request/),
    );
    assert.equal(server.requests.length, 0);
  });

  it("a refused connection is an unavailable EXECUTION_ERROR naming the host", async () => {
    const closed = await RecordingServer.start();
    const url = closed.url("/gone");
    await closed.close();
    await assert.rejects(
      gateway.callWebhook(webhook({ url }), signal),
      domainError(
        "unavailable",
        "EXECUTION_ERROR",
        /webhook to 127\.0\.0\.1:\d+ failed: connection refused/,
      ),
    );
  });
});

function webhook(overrides: Partial<WebhookRequest> & { url: string }): WebhookRequest {
  return { method: "POST", headers: {}, body: null, timeoutMs: 5000, ...overrides };
}
