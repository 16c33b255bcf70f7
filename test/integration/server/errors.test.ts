import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { Code } from "@connectrpc/connect";
import {
  Health,
  HealthCheckResponse_ServingStatus as ServingStatus,
} from "../../../src/gen/grpc/health/v1/health_pb.js";
import { ApiKeyService } from "../../../src/gen/waddlebot/workflow/v1/api_key_service_pb.js";
import { startTestService, type TestService } from "../../support/server-harness.js";
import { assertJsonError, expectConnectError, expectGrpcJsError, post } from "./expect-error.js";
import { GrpcJsClient, grpc } from "./grpc-js-client.js";
import { runSql } from "./run-sql.js";

const maxRequestBytes = 64 * 1024;
const checkPath = "/grpc.health.v1.Health/Check";
/** Field 1, length-delimited, declares 10 bytes but ends: not decodable. */
const truncatedProto = new Uint8Array([0x0a, 0x0a, 0x61]);

describe("errors the transport produces itself", () => {
  let svc: TestService;
  let grpcJs: GrpcJsClient;

  before(async () => {
    svc = await startTestService({ env: { MAX_REQUEST_BYTES: String(maxRequestBytes) } });
    grpcJs = new GrpcJsClient(`127.0.0.1:${svc.port}`);
    svc.onStop(() => grpcJs.close());
  });
  after(() => svc.close());

  async function stillServing() {
    assert.deepEqual((await post(`${svc.url}${checkPath}`, "{}")).body, { status: "SERVING" });
    const health = await grpcJs.unary(Health.method.check, {});
    assert.equal(health.status, ServingStatus.SERVING);
  }

  describe("malformed bodies", () => {
    it("answers malformed JSON with 400 BAD_REQUEST", async () => {
      assertJsonError(
        await post(`${svc.url}${checkPath}`, "{not json"),
        400,
        "invalid_argument",
        "BAD_REQUEST",
      );
    });

    it("answers JSON with mistyped fields with 400 BAD_REQUEST (unknown fields are ignored)", async () => {
      assert.deepEqual((await post(`${svc.url}${checkPath}`, '{"nope":1}')).body, {
        status: "SERVING",
      });
      assertJsonError(
        await post(
          `${svc.url}/waddlebot.workflow.v1.ApiKeyService/ListApiKeys`,
          '{"includeRevoked":"yes"}',
          {
            "x-api-key": svc.adminKey,
          },
        ),
        400,
        "invalid_argument",
        "BAD_REQUEST",
      );
    });

    it("answers a malformed binary Connect body with 400 BAD_REQUEST", async () => {
      const reply = await post(`${svc.url}${checkPath}`, truncatedProto, {
        "content-type": "application/proto",
      });
      assertJsonError(reply, 400, "invalid_argument", "BAD_REQUEST");
    });

    it("answers a malformed gRPC message with INVALID_ARGUMENT BAD_REQUEST", async () => {
      await expectGrpcJsError(
        grpcJs.raw(checkPath, truncatedProto),
        grpc.status.INVALID_ARGUMENT,
        "BAD_REQUEST",
      );
      await stillServing();
    });

    it("answers a malformed gRPC-Web message with a trailer carrying BAD_REQUEST", async () => {
      const res = await fetch(`${svc.url}${checkPath}`, {
        method: "POST",
        headers: { "content-type": "application/grpc-web+proto" },
        body: frame(0, truncatedProto),
      });
      const trailer = grpcWebTrailer(new Uint8Array(await res.arrayBuffer()));
      assert.equal(trailer.get("grpc-status"), String(Code.InvalidArgument));
      const details = trailer.get("grpc-status-details-bin");
      assert.ok(details, "grpc-status-details-bin in the trailer");
      assert.ok(Buffer.from(details, "base64").toString("latin1").includes("BAD_REQUEST"));
    });

    it("ends a Connect stream with a malformed request in an end-stream error with BAD_REQUEST", async () => {
      const res = await fetch(`${svc.url}/grpc.health.v1.Health/Watch`, {
        method: "POST",
        headers: { "content-type": "application/connect+json" },
        body: frame(0, new TextEncoder().encode("{not json")),
      });
      const frames = framesOf(new Uint8Array(await res.arrayBuffer()));
      const end = frames.find((f) => (f.flags & 0b10) === 0b10);
      assert.ok(end, "an end-stream frame");
      const { error } = JSON.parse(new TextDecoder().decode(end.data));
      assert.equal(error.code, "invalid_argument");
      assert.equal(error.details[0].type, "waddlebot.workflow.v1.ErrorInfo");
      assert.equal(error.details[0].debug.reason, "BAD_REQUEST");
    });

    it("answers an unsupported content type with 415 and a JSON error", async () => {
      const reply = await post(`${svc.url}${checkPath}`, "hello", { "content-type": "text/plain" });
      assertJsonError(reply, 415, "invalid_argument", "BAD_REQUEST");
    });

    it("answers GET on a POST-only RPC with 405 and a JSON error", async () => {
      const res = await fetch(`${svc.url}/waddlebot.workflow.v1.ApiKeyService/ListApiKeys`);
      assertJsonError(
        { status: res.status, headers: res.headers, body: await res.json() },
        405,
        "invalid_argument",
        "BAD_REQUEST",
      );
    });
  });

  describe("oversize bodies", () => {
    const big = "x".repeat(maxRequestBytes + 1);

    it("answers an oversize JSON body with 429 PAYLOAD_TOO_LARGE and keeps serving", async () => {
      const reply = await post(`${svc.url}${checkPath}`, JSON.stringify({ service: big }));
      assertJsonError(reply, 429, "resource_exhausted", "PAYLOAD_TOO_LARGE");
      await stillServing();
    });

    it("answers an oversize chunked body (no Content-Length) the same way", async () => {
      const body = new ReadableStream<Uint8Array>({
        start(controller) {
          for (let i = 0; i < 8; i++)
            controller.enqueue(new TextEncoder().encode(big.slice(0, maxRequestBytes / 4)));
          controller.close();
        },
      });
      const res = await fetch(`${svc.url}${checkPath}`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body,
        duplex: "half",
      } as RequestInit);
      assertJsonError(
        { status: res.status, headers: res.headers, body: await res.json() },
        429,
        "resource_exhausted",
        "PAYLOAD_TOO_LARGE",
      );
      await stillServing();
    });

    it("answers an oversize gRPC message with RESOURCE_EXHAUSTED PAYLOAD_TOO_LARGE", async () => {
      await expectGrpcJsError(
        grpcJs.unary(Health.method.check, { service: big }),
        grpc.status.RESOURCE_EXHAUSTED,
        "PAYLOAD_TOO_LARGE",
      );
      await stillServing();
    });

    for (const protocol of ["connect-h2", "grpc-web", "connect-h1"] as const) {
      it(`answers an oversize ${protocol} request with ResourceExhausted`, async () => {
        const keys = svc.connect(ApiKeyService, protocol, svc.adminKey);
        await expectConnectError(
          keys.createApiKey({ name: big, principal: { userId: "u" } }),
          Code.ResourceExhausted,
          "PAYLOAD_TOO_LARGE",
        );
        const health = svc.connect(Health, protocol);
        assert.equal((await health.check({})).status, ServingStatus.SERVING);
      });
    }
  });

  describe("unknown routes", () => {
    it("answers an unknown RPC over JSON with 404 unimplemented", async () => {
      const reply = await post(`${svc.url}/waddlebot.workflow.v1.NoSuchService/Do`, "{}");
      assertJsonError(reply, 404, "unimplemented", "NOT_FOUND");
      const method = await post(`${svc.url}/grpc.health.v1.Health/NoSuchMethod`, "{}");
      assertJsonError(method, 404, "unimplemented", "NOT_FOUND");
    });

    it("answers an unknown RPC over gRPC with UNIMPLEMENTED", async () => {
      await expectGrpcJsError(
        grpcJs.raw("/waddlebot.workflow.v1.NoSuchService/Do", new Uint8Array()),
        grpc.status.UNIMPLEMENTED,
        "NOT_FOUND",
      );
      await stillServing();
    });

    it("answers an unknown RPC over gRPC-Web with Unimplemented in the headers", async () => {
      const res = await fetch(`${svc.url}/waddlebot.workflow.v1.NoSuchService/Do`, {
        method: "POST",
        headers: { "content-type": "application/grpc-web+proto" },
        body: frame(0, new Uint8Array()),
      });
      assert.equal(res.headers.get("grpc-status"), String(Code.Unimplemented));
      assert.ok(res.headers.get("grpc-status-details-bin"));
    });

    it("answers other unknown paths with a JSON 404", async () => {
      const res = await fetch(`${svc.url}/no/such/path?x=1`);
      assertJsonError(
        { status: res.status, headers: res.headers, body: await res.json() },
        404,
        "not_found",
        "NOT_FOUND",
      );
    });
  });

  describe("unexpected failures", () => {
    it("answers Internal INTERNAL_ERROR without internals, logs the cause, and recovers", async () => {
      await runSql(svc.db, ["alter table api_keys rename to api_keys_hidden"]);
      try {
        const keys = svc.connect(ApiKeyService, "connect-h2", svc.adminKey);
        const error = await expectConnectError(
          keys.listApiKeys({}),
          Code.Internal,
          "INTERNAL_ERROR",
        );
        assert.equal(error.rawMessage, "internal error");
        await expectGrpcJsError(
          grpcJs.unary(ApiKeyService.method.listApiKeys, {}, svc.adminKey),
          grpc.status.INTERNAL,
          "INTERNAL_ERROR",
        );
        const reply = await post(
          `${svc.url}/waddlebot.workflow.v1.ApiKeyService/ListApiKeys`,
          "{}",
          {
            "x-api-key": svc.adminKey,
          },
        );
        assertJsonError(reply, 500, "internal", "INTERNAL_ERROR");
        assert.ok(!JSON.stringify(reply.body).includes("api_keys"), "no SQL in the answer");
      } finally {
        await runSql(svc.db, ["alter table api_keys_hidden rename to api_keys"]);
      }
      const logged = svc.logs.find((l) => l.event_type === "ERROR" && l.level === "error");
      assert.ok(logged.length >= 3);
      const err = logged[0]?.err as { message?: string; stack?: string } | undefined;
      assert.match(String(err?.message), /api_keys/, "the cause is logged");
      assert.ok(err?.stack);
      const keys = svc.connect(ApiKeyService, "connect-h1", svc.adminKey);
      assert.equal((await keys.listApiKeys({})).apiKeys.length, 1);
    });
  });
});

function frame(flags: number, data: Uint8Array): Uint8Array {
  const out = new Uint8Array(5 + data.byteLength);
  out[0] = flags;
  new DataView(out.buffer).setUint32(1, data.byteLength);
  out.set(data, 5);
  return out;
}

/** The enveloped messages of a Connect-streaming or gRPC-Web body. */
function framesOf(body: Uint8Array): { flags: number; data: Uint8Array }[] {
  const frames: { flags: number; data: Uint8Array }[] = [];
  let offset = 0;
  while (offset + 5 <= body.byteLength) {
    const flags = body[offset] ?? 0;
    const length = new DataView(body.buffer, body.byteOffset + offset + 1, 4).getUint32(0);
    frames.push({ flags, data: body.subarray(offset + 5, offset + 5 + length) });
    offset += 5 + length;
  }
  return frames;
}

/** The trailer frame (flag 0x80) of a gRPC-Web response body, as headers. */
function grpcWebTrailer(body: Uint8Array): Map<string, string> {
  const trailer = framesOf(body).find((f) => (f.flags & 0x80) === 0x80);
  if (trailer === undefined) throw new Error("no trailer frame in the gRPC-Web response");
  const headers = new Map<string, string>();
  for (const line of new TextDecoder().decode(trailer.data).split("\r\n")) {
    const colon = line.indexOf(":");
    if (colon > 0)
      headers.set(line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim());
  }
  return headers;
}
