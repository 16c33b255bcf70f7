import assert from "node:assert/strict";
import type { ServerResponse } from "node:http";
import { after, before, describe, it } from "node:test";
import { HttpActionGateway } from "../../../src/adapters/outbound/http-action-gateway.js";
import type { WebhookRequest } from "../../../src/domain/ports/action-gateway.js";
import { domainError } from "./domain-error-matcher.js";
import { RecordingServer, within } from "./recording-server.js";

const maxResponseBytes = 64 * 1024;
const promptlyMs = 5_000;

/** Writes chunks for as long as the client keeps reading. */
function streamForever(res: ServerResponse): void {
  const chunk = Buffer.alloc(16 * 1024, "x");
  const pump = () => {
    while (!res.destroyed && res.write(chunk)) {
      // keep writing until the socket's buffer is full
    }
    if (!res.destroyed) res.once("drain", pump);
  };
  res.setHeader("content-type", "text/plain");
  pump();
}

describe("HttpActionGateway: response size limit", () => {
  let server: RecordingServer;
  let gateway: HttpActionGateway;

  before(async () => {
    server = await RecordingServer.start((request, res) => {
      const path = request.url.split("?")[0];
      if (path === "/exact") {
        res.setHeader("content-type", "text/plain");
        res.end("y".repeat(maxResponseBytes));
      } else if (path === "/one-byte-over") {
        // No Content-Length: the limit has to be enforced while reading.
        res.setHeader("content-type", "text/plain");
        res.write("z".repeat(maxResponseBytes));
        res.end("z");
      } else if (path === "/declared-too-large") {
        res.setHeader("content-type", "application/json");
        res.setHeader("content-length", String(maxResponseBytes + 1));
        res.write("[");
      } else {
        streamForever(res);
      }
    });
    gateway = new HttpActionGateway({
      routerUrl: server.url(),
      browserSourceUrl: server.url(),
      allowHosts: "127.0.0.1",
      maxResponseBytes,
    });
  });

  after(async () => {
    await gateway.close();
    await server.close();
  });

  it("accepts a response of exactly the limit", async () => {
    const response = await gateway.callWebhook(webhook(server.url("/exact")), signal());
    assert.equal(response.status, 200);
    assert.equal(typeof response.body, "string");
    assert.equal((response.body as string).length, maxResponseBytes);
  });

  it("refuses an undeclared body one byte over the limit", async () => {
    await assert.rejects(
      gateway.callWebhook(webhook(server.url("/one-byte-over")), signal()),
      domainError("limit_exceeded", "PAYLOAD_TOO_LARGE"),
    );
  });

  it("refuses a larger declared Content-Length before reading, closing the connection", async () => {
    const before = server.requests.length;
    await assert.rejects(
      gateway.callWebhook(webhook(server.url("/declared-too-large")), signal()),
      domainError(
        "limit_exceeded",
        "PAYLOAD_TOO_LARGE",
        /webhook to 127\.0\.0\.1:\d+ answered with more than 65536 bytes/,
      ),
    );
    const received = server.requests[before];
    assert.ok(received);
    await within(received.connectionClosed, promptlyMs, "the server seeing the connection close");
  });

  it("stops reading an endless body at the limit and closes the connection", async () => {
    const before = server.requests.length;
    await assert.rejects(
      within(
        gateway.callWebhook(webhook(server.url("/endless")), signal()),
        promptlyMs,
        "the refusal",
      ),
      domainError("limit_exceeded", "PAYLOAD_TOO_LARGE"),
    );
    const received = server.requests[before];
    assert.ok(received);
    await within(received.connectionClosed, promptlyMs, "the server seeing the connection close");
  });

  it("applies the same limit to the trusted router", async () => {
    await assert.rejects(
      within(
        gateway.executeModule(
          {
            moduleName: "chatty",
            moduleVersion: "1",
            input: {},
            entityId: 1,
            userId: "u",
            sessionId: "s",
            timeoutMs: 5000,
          },
          signal(),
        ),
        promptlyMs,
        "the refusal",
      ),
      domainError("limit_exceeded", "PAYLOAD_TOO_LARGE", /router execute-module answered/),
    );
  });
});

function signal(): AbortSignal {
  return new AbortController().signal;
}

function webhook(url: string): WebhookRequest {
  return { url, method: "GET", headers: {}, body: null, timeoutMs: 5000 };
}
