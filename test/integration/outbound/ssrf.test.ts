import assert from "node:assert/strict";
import type { LookupAddress } from "node:dns";
import { after, before, beforeEach, describe, it } from "node:test";
import {
  HttpActionGateway,
  type HttpActionGatewayOptions,
} from "../../../src/adapters/outbound/http-action-gateway.js";
import type { WebhookRequest } from "../../../src/domain/ports/action-gateway.js";
import { domainError } from "./domain-error-matcher.js";
import { countSocketsDuring, RecordingServer, type Responder } from "./recording-server.js";

const signal = new AbortController().signal;
const refused = (host: RegExp = /.*/) =>
  domainError(
    "permission_denied",
    "PERMISSION_DENIED",
    new RegExp(`host ${host.source} is not allowed`),
  );

describe("HttpActionGateway: SSRF protection for webhooks", () => {
  let server: RecordingServer;
  const gateways: HttpActionGateway[] = [];
  let redirectTo = "";

  const responder: Responder = (request, res) => {
    if (request.url.startsWith("/redirect")) {
      res.statusCode = Number(new URL(request.url, "http://x").searchParams.get("status") ?? 302);
      res.setHeader("location", redirectTo);
      res.end();
      return;
    }
    res.setHeader("content-type", "application/json");
    res.end(JSON.stringify({ reached: request.url }));
  };

  function gatewayWith(options: Partial<HttpActionGatewayOptions> = {}): HttpActionGateway {
    const gateway = new HttpActionGateway({
      routerUrl: server.url(),
      browserSourceUrl: server.url(),
      ...options,
    });
    gateways.push(gateway);
    return gateway;
  }

  before(async () => {
    server = await RecordingServer.start(responder);
  });

  after(async () => {
    await Promise.all(gateways.map((g) => g.close()));
    await server.close();
  });

  beforeEach(() => {
    server.requests.length = 0;
    server.connections = 0;
  });

  it("refuses loopback by default: the server receives no connection", async () => {
    const gateway = gatewayWith();
    await assert.rejects(
      gateway.callWebhook(webhook(server.url("/hook")), signal),
      refused(/127\.0\.0\.1/),
    );
    await assert.rejects(
      gateway.callWebhook(webhook(`http://localhost:${server.port}/hook`), signal),
      domainError(
        "permission_denied",
        "PERMISSION_DENIED",
        /host localhost is not allowed: it resolves to 127\.0\.0\.1 \(loopback\)/,
      ),
    );
    assert.equal(server.connections, 0);
    assert.equal(server.requests.length, 0);
  });

  it("opens loopback through the allow-list by address, by CIDR and by host name", async () => {
    for (const allowHosts of ["127.0.0.1", "127.0.0.0/8", ["localhost"]]) {
      const gateway = gatewayWith({ allowHosts });
      const url =
        allowHosts[0] === "localhost"
          ? `http://localhost:${server.port}/open`
          : server.url("/open");
      const response = await gateway.callWebhook(webhook(url), signal);
      assert.equal(response.status, 200);
      assert.deepEqual(response.body, { reached: "/open" });
    }
    assert.equal(server.requests.length, 3);
  });

  it("an allowed host name does not open other names or addresses", async () => {
    const gateway = gatewayWith({ allowHosts: "localhost" });
    await assert.rejects(gateway.callWebhook(webhook(server.url("/x")), signal), refused());
    assert.equal(server.connections, 0);
  });

  it("ssrfProtection: false lets webhooks reach any address", async () => {
    const gateway = gatewayWith({ ssrfProtection: false });
    const response = await gateway.callWebhook(webhook(server.url("/unprotected")), signal);
    assert.equal(response.status, 200);
  });

  const blockedUrls = [
    "http://127.0.0.1/",
    "http://127.255.255.254:8080/",
    "http://2130706433/",
    "http://0x7f.1/",
    "http://0x7f000001/",
    "http://0177.0.0.1/",
    "http://127.1/",
    "http://0/",
    "http://0.0.0.0/",
    "http://[::]/",
    "http://[::1]/",
    "http://10.0.0.1/",
    "http://172.16.0.1/",
    "http://172.31.255.255/",
    "http://192.168.1.1/",
    "http://169.254.169.254/latest/meta-data/",
    "http://0xa9.0376.43518/",
    "http://100.64.0.1/",
    "http://224.0.0.1/",
    "http://255.255.255.255/",
    "http://[fe80::1]/",
    "http://[fc00::1]/",
    "http://[fd00:ec2::254]/",
    "http://[ff02::1]/",
    "http://[::ffff:127.0.0.1]/",
    "http://[::ffff:7f00:1]/",
    "http://[::ffff:169.254.169.254]/",
    "http://[::127.0.0.1]/",
    "http://[64:ff9b::127.0.0.1]/",
    "http://[64:ff9b::a9fe:a9fe]/",
    "http://[2002:7f00:1::1]/",
    "http://[2002:a00:1::1]/",
    "https://[::ffff:0:7f00:1]/",
    "https://10.1.2.3:8443/",
  ];
  it("refuses every blocked address form before any socket is created", async () => {
    const gateway = gatewayWith();
    for (const url of blockedUrls) {
      const sockets = await countSocketsDuring(() =>
        assert.rejects(gateway.callWebhook(webhook(url), signal), refused(), url),
      );
      assert.equal(sockets, 0, `${url} created a socket`);
    }
  });

  it("refuses schemes other than http and https", async () => {
    const gateway = gatewayWith({ ssrfProtection: false });
    for (const url of ["file:///etc/passwd", "ftp://example.com/", "gopher://example.com/"]) {
      const sockets = await countSocketsDuring(() =>
        assert.rejects(
          gateway.callWebhook(webhook(url), signal),
          domainError("permission_denied", "PERMISSION_DENIED", /scheme .* is not allowed/),
        ),
      );
      assert.equal(sockets, 0);
    }
  });

  describe("host names are checked inside the connection's own lookup", () => {
    const answers: Record<string, string[]> = {
      "metadata.test": ["169.254.169.254"],
      "mixed.test": ["93.184.215.14", "10.0.0.5"],
      "mapped.test": ["::ffff:127.0.0.1"],
      "compat.test": ["::127.0.0.1"],
      "hook.test": ["127.0.0.1"],
    };
    const lookups: string[] = [];
    const resolveHost = async (hostname: string): Promise<LookupAddress[]> => {
      lookups.push(hostname);
      const addresses = answers[hostname];
      if (!addresses)
        throw Object.assign(new Error(`no such host ${hostname}`), { code: "ENOTFOUND" });
      return addresses.map((address) => ({ address, family: address.includes(":") ? 6 : 4 }));
    };

    beforeEach(() => {
      lookups.length = 0;
    });

    it("refuses a name resolving to a blocked address, or to any blocked address among several", async () => {
      const gateway = gatewayWith({ resolveHost });
      for (const [host, address] of [
        ["metadata.test", "169.254.169.254"],
        ["mixed.test", "10.0.0.5"],
        ["mapped.test", "::ffff:127.0.0.1"],
        ["compat.test", "::127.0.0.1"],
      ]) {
        await assert.rejects(
          gateway.callWebhook(webhook(`http://${host}:${server.port}/`), signal),
          domainError(
            "permission_denied",
            "PERMISSION_DENIED",
            new RegExp(`host ${host} is not allowed: it resolves to ${address}`),
          ),
        );
      }
      // The TLS connector goes through the same lookup.
      await assert.rejects(
        gateway.callWebhook(webhook("https://metadata.test/"), signal),
        refused(/metadata\.test/),
      );
      assert.deepEqual(lookups, [
        "metadata.test",
        "mixed.test",
        "mapped.test",
        "compat.test",
        "metadata.test",
      ]);
      assert.equal(server.connections, 0);
    });

    it("connects to exactly the address it checked (pinned, one resolution per connection)", async () => {
      const gateway = gatewayWith({ resolveHost, allowHosts: "127.0.0.1/32" });
      const response = await gateway.callWebhook(
        webhook(`http://hook.test:${server.port}/pinned`),
        signal,
      );
      assert.equal(response.status, 200);
      const received = await server.request();
      assert.equal(received.headers.host, `hook.test:${server.port}`);
      assert.deepEqual(lookups, ["hook.test"]);
    });

    it("an unresolvable name is an unavailable EXECUTION_ERROR", async () => {
      const gateway = gatewayWith({ resolveHost });
      await assert.rejects(
        gateway.callWebhook(webhook("http://nowhere.test/"), signal),
        domainError(
          "unavailable",
          "EXECUTION_ERROR",
          /webhook to nowhere\.test failed: host not found/,
        ),
      );
    });
  });

  describe("redirects", () => {
    it("follows redirects between allowed URLs, re-checking each hop", async () => {
      const gateway = gatewayWith({ allowHosts: "127.0.0.1" });
      redirectTo = "/final";
      const response = await gateway.callWebhook(webhook(server.url("/redirect")), signal);
      assert.equal(response.status, 200);
      assert.deepEqual(response.body, { reached: "/final" });
      assert.deepEqual(
        server.requests.map((r) => [r.method, r.url]),
        [
          ["POST", "/redirect"],
          ["GET", "/final"],
        ],
      );
    });

    it("refuses a redirect to a blocked address after an allowed first hop", async () => {
      // Only the name is opened: the same server under its address is a blocked target.
      const gateway = gatewayWith({ allowHosts: "localhost" });
      for (const target of [
        server.url("/internal"),
        `http://127.0.0.2:${server.port}/internal`,
        "http://169.254.169.254/latest/meta-data/",
        `http://[::ffff:127.0.0.1]:${server.port}/internal`,
        "file:///etc/passwd",
      ]) {
        server.requests.length = 0;
        redirectTo = target;
        await assert.rejects(
          gateway.callWebhook(webhook(`http://localhost:${server.port}/redirect`), signal),
          domainError("permission_denied", "PERMISSION_DENIED", /is not allowed/),
          target,
        );
        assert.deepEqual(
          server.requests.map((r) => r.url),
          ["/redirect"],
          `only the first hop reached the server for ${target}`,
        );
      }
    });

    it("307 and 308 keep the method and body; 303 continues as a bodiless GET", async () => {
      const gateway = gatewayWith({ allowHosts: "127.0.0.1" });
      redirectTo = "/final";
      for (const status of [307, 308, 303]) {
        server.requests.length = 0;
        await gateway.callWebhook(
          webhook(server.url(`/redirect?status=${status}`), { method: "PUT", body: '{"a":1}' }),
          signal,
        );
        const final = server.requests[1];
        assert.ok(final);
        if (status === 303) {
          assert.equal(final.method, "GET");
          assert.equal(final.body, "");
          assert.equal(final.headers["content-type"], undefined);
        } else {
          assert.equal(final.method, "PUT");
          assert.equal(final.body, '{"a":1}');
          assert.equal(final.headers["content-type"], "application/json");
        }
      }
    });

    it("a redirect to another origin drops credentials and custom headers", async () => {
      const other = await RecordingServer.start();
      try {
        const gateway = gatewayWith({ allowHosts: "127.0.0.1" });
        redirectTo = other.url("/elsewhere");
        await gateway.callWebhook(
          webhook(server.url("/redirect?status=307"), {
            headers: { Authorization: "Bearer secret", "X-Hook-Token": "t", Accept: "text/plain" },
            body: "x",
          }),
          signal,
        );
        const first = await server.request();
        assert.equal(first.headers.authorization, "Bearer secret");
        const moved = await other.request();
        assert.equal(moved.headers.authorization, undefined);
        assert.equal(moved.headers["x-hook-token"], undefined);
        assert.equal(moved.headers.accept, "text/plain");
        assert.equal(moved.body, "x");
      } finally {
        await other.close();
      }
    });

    it("stops after the configured number of redirects", async () => {
      const gateway = gatewayWith({ allowHosts: "127.0.0.1", maxRedirects: 2 });
      redirectTo = "/redirect";
      await assert.rejects(
        gateway.callWebhook(webhook(server.url("/redirect")), signal),
        domainError("failed_precondition", "EXECUTION_ERROR", /redirected more than 2 times/),
      );
      assert.equal(server.requests.length, 3);
    });
  });
});

function webhook(url: string, overrides: Partial<WebhookRequest> = {}): WebhookRequest {
  return { url, method: "POST", headers: {}, body: null, timeoutMs: 5000, ...overrides };
}
