import assert from "node:assert/strict";
import http2 from "node:http2";
import { after, before, describe, it } from "node:test";
import { createClient } from "@connectrpc/connect";
import { createGrpcTransport, Http2SessionManager } from "@connectrpc/connect-node";
import {
  Health,
  HealthCheckResponse_ServingStatus as ServingStatus,
} from "../../../src/gen/grpc/health/v1/health_pb.js";
import { ApiKeyService } from "../../../src/gen/waddlebot/workflow/v1/api_key_service_pb.js";
import { startTestService, type TestService } from "../../support/server-harness.js";
import { post } from "./expect-error.js";
import { GrpcJsClient } from "./grpc-js-client.js";

describe("one port serves HTTP/1.1 and h2c", () => {
  let svc: TestService;
  before(async () => {
    svc = await startTestService();
  });
  after(() => svc.close());

  it("answers plain HTTP/1.1 JSON (curl style) with the API key", async () => {
    const reply = await post(`${svc.url}/waddlebot.workflow.v1.ApiKeyService/ListApiKeys`, "{}", {
      "x-api-key": svc.adminKey,
    });
    assert.equal(reply.status, 200);
    assert.equal(reply.body.apiKeys.length, 1);
    assert.equal(reply.body.apiKeys[0].principal.admin, true);
  });

  for (const protocol of ["connect-h1", "connect-h2", "grpc-web", "grpc-web-h2"] as const) {
    it(`answers ${protocol}`, async () => {
      const health = svc.connect(Health, protocol);
      assert.equal((await health.check({})).status, ServingStatus.SERVING);
      const keys = svc.connect(ApiKeyService, protocol, svc.adminKey);
      const { apiKeys } = await keys.listApiKeys({});
      assert.equal(apiKeys.length, 1);
    });
  }

  it("answers Connect's gRPC transport (HTTP/2)", async () => {
    const sessionManager = new Http2SessionManager(svc.url);
    svc.onStop(() => sessionManager.abort());
    const health = createClient(Health, createGrpcTransport({ baseUrl: svc.url, sessionManager }));
    assert.equal((await health.check({})).status, ServingStatus.SERVING);
  });

  it("answers @grpc/grpc-js", async () => {
    const client = new GrpcJsClient(`127.0.0.1:${svc.port}`);
    svc.onStop(() => client.close());
    const health = await client.unary(Health.method.check, {});
    assert.equal(health.status, ServingStatus.SERVING);
    const { apiKeys } = await client.unary(ApiKeyService.method.listApiKeys, {}, svc.adminKey);
    assert.equal(apiKeys.length, 1);
  });

  it("answers HTTP/2 with prior knowledge from a plain node:http2 client", async () => {
    const session = http2.connect(svc.url);
    try {
      const stream = session.request({
        ":method": "POST",
        ":path": "/grpc.health.v1.Health/Check",
        "content-type": "application/json",
      });
      stream.end("{}");
      const [headers, body] = await Promise.all([
        new Promise<http2.IncomingHttpHeaders>((resolve) => stream.once("response", resolve)),
        (async () => {
          let text = "";
          for await (const chunk of stream) text += chunk;
          return text;
        })(),
      ]);
      assert.equal(headers[":status"], 200);
      assert.deepEqual(JSON.parse(body), { status: "SERVING" });
    } finally {
      session.close();
    }
  });

  it("keeps an HTTP/1.1 connection alive across requests", async () => {
    for (let i = 0; i < 3; i++) {
      const reply = await post(`${svc.url}/grpc.health.v1.Health/Check`, "{}");
      assert.deepEqual(reply.body, { status: "SERVING" });
    }
  });
});
