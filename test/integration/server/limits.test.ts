import assert from "node:assert/strict";
import { once } from "node:events";
import net from "node:net";
import { after, before, describe, it } from "node:test";
import { Code } from "@connectrpc/connect";
import { Health } from "../../../src/gen/grpc/health/v1/health_pb.js";
import { startTestService, type TestService } from "../../support/server-harness.js";
import { expectConnectError, expectGrpcJsError } from "./expect-error.js";
import { GrpcJsClient, grpc } from "./grpc-js-client.js";
import { within } from "./service-process.js";

describe("connection and deadline limits", () => {
  let svc: TestService;
  // An error no listener handles would crash the service process; here it would only be
  // reported by the test runner, so the tests look for it themselves.
  const uncaught: unknown[] = [];
  process.on("uncaughtExceptionMonitor", (error) => uncaught.push(error));
  before(async () => {
    svc = await startTestService({
      env: {
        HTTP_HEADERS_TIMEOUT_MS: "300",
        HTTP_REQUEST_TIMEOUT_MS: "1000",
        MAX_RPC_TIMEOUT_MS: "60000",
        HTTP2_IDLE_TIMEOUT_MS: "200",
      },
    });
  });
  after(() => svc.close());

  async function connect(): Promise<{ socket: net.Socket; received: () => string }> {
    const socket = net.connect(svc.port, "127.0.0.1");
    await once(socket, "connect");
    let text = "";
    socket.on("data", (chunk) => {
      text += chunk.toString("latin1");
    });
    socket.on("error", () => undefined);
    return { socket, received: () => text };
  }

  it("closes a connection that never sends a byte", async () => {
    const { socket, received } = await connect();
    await within(once(socket, "close"), 20_000, "close of a silent connection");
    assert.equal(received(), "");
  });

  it("answers 408 and closes when HTTP/1.1 headers stall", async () => {
    const { socket, received } = await connect();
    socket.write("POST /grpc.health.v1.Health/Check HTTP/1.1\r\nHost: x\r\n");
    await within(once(socket, "close"), 20_000, "close of a stalled request");
    assert.match(received(), /^HTTP\/1\.1 408 /);
  });

  it("survives clients that reset the connection before and after the first bytes", async () => {
    const silent = await connect();
    silent.socket.resetAndDestroy();
    const partial = await connect();
    partial.socket.write("PRI * HTTP/2.0\r\n");
    await new Promise((resolve) => setTimeout(resolve, 20));
    partial.socket.resetAndDestroy();
    const health = svc.connect(Health, "connect-h1");
    assert.ok(await health.check({}));
    assert.deepEqual(uncaught, []);
  });

  it("closes idle HTTP/2 sessions with GOAWAY and keeps serving on new ones", async () => {
    const client = new GrpcJsClient(`127.0.0.1:${svc.port}`);
    svc.onStop(() => client.close());
    await client.unary(Health.method.check, {});
    const h2 = svc.connect(Health, "connect-h2");
    await h2.check({});
    await new Promise((resolve) => setTimeout(resolve, 600));
    assert.ok(await client.unary(Health.method.check, {}));
    assert.ok(await h2.check({}));
    assert.deepEqual(uncaught, []);
  });

  it("refuses deadlines above MAX_RPC_TIMEOUT_MS with BAD_REQUEST", async () => {
    const health = svc.connect(Health, "connect-h2");
    await expectConnectError(
      health.check({}, { timeoutMs: 120_000 }),
      Code.InvalidArgument,
      "BAD_REQUEST",
    );
    assert.ok(await health.check({}, { timeoutMs: 30_000 }));
    const client = new GrpcJsClient(`127.0.0.1:${svc.port}`);
    svc.onStop(() => client.close());
    await expectGrpcJsError(
      client.raw("/grpc.health.v1.Health/Check", new Uint8Array(), undefined, 3_600_000),
      grpc.status.INVALID_ARGUMENT,
      "BAD_REQUEST",
    );
  });
});
