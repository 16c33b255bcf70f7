/**
 * Issue 9, defect 10: a compressed gRPC frame without `grpc-encoding` is a client error in the
 * log, client disconnects are not internal errors, and a client still sending an oversize
 * body receives the size-limit answer instead of a reset.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { Code } from "@connectrpc/connect";
import { startTestService, type TestService } from "../../support/server-harness.js";
import {
  abandonHttp1Request,
  abandonHttp2Request,
  grpcFrame,
  rawGrpcCall,
  writeAllThenRead,
} from "./raw-clients.js";

const maxRequestBytes = 64 * 1024;
const checkPath = "/grpc.health.v1.Health/Check";
const listKeysPath = "/waddlebot.workflow.v1.ApiKeyService/ListApiKeys";

describe("edges of the transport (issue 9, defect 10)", () => {
  let svc: TestService;

  before(async () => {
    svc = await startTestService({ env: { MAX_REQUEST_BYTES: String(maxRequestBytes) } });
  });
  after(() => svc.close());

  /**
   * The log lines matching `predicate`, once there is one: the service logs an abandoned
   * request when it notices, after the client is gone. Gives up (empty) after 10 s, or after
   * 1 s when nothing may be logged (`maybeNone`).
   */
  async function logged(predicate: (line: Record<string, unknown>) => boolean, maybeNone = false) {
    for (let attempt = 0; attempt < (maybeNone ? 100 : 1_000); attempt++) {
      const found = svc.logs.find(predicate);
      if (found.length > 0) return found;
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    return [];
  }

  describe("a gRPC frame flagged compressed without grpc-encoding", () => {
    it("answers INTERNAL as gRPC prescribes and logs one client-error warning with the request id", async () => {
      const requestId = "compressed-without-encoding-1";
      const answer = await rawGrpcCall(svc.url, checkPath, grpcFrame(1, new Uint8Array()), {
        "x-request-id": requestId,
      });
      assert.equal(answer.trailers["grpc-status"], String(Code.Internal));
      assert.equal(answer.headers["x-request-id"], requestId);
      assert.equal(answer.trailers["x-request-id"], requestId);
      const lines = svc.logs.find((line) => line.request_id === requestId);
      assert.equal(lines.length, 1, JSON.stringify(lines));
      assert.equal(lines[0]?.level, "warn");
      assert.match(lines[0]?.msg ?? "", /client error/);
    });

    it("does the same over gRPC-Web", async () => {
      const requestId = "compressed-without-encoding-2";
      const res = await fetch(`${svc.url}${checkPath}`, {
        method: "POST",
        headers: { "content-type": "application/grpc-web+proto", "x-request-id": requestId },
        body: grpcFrame(1, new Uint8Array()),
      });
      const body = Buffer.from(await res.arrayBuffer()).toString("latin1");
      assert.match(body, new RegExp(`grpc-status:\\s*${Code.Internal}`));
      assert.equal(res.headers.get("x-request-id"), requestId);
      const lines = svc.logs.find((line) => line.request_id === requestId);
      assert.equal(lines.length, 1, JSON.stringify(lines));
      assert.equal(lines[0]?.level, "warn");
    });
  });

  describe("clients that go away mid-request", () => {
    const cases = [
      { name: "REST over HTTP/1.1", path: "/api/v1/workflows", h2: false },
      { name: "Connect JSON over HTTP/1.1", path: listKeysPath, h2: false },
      // Node ends the body of a reset HTTP/2 stream as if it were complete (the reset is only
      // seen afterwards): the truncated JSON is refused with a 400 that nobody receives, and
      // 4xx answers are not logged. What matters here: no error or warning.
      { name: "REST over HTTP/2", path: "/api/v1/workflows", h2: true },
      { name: "Connect JSON over HTTP/2", path: listKeysPath, h2: true },
    ];
    for (const { name, path, h2 } of cases) {
      it(`${name}: a client disconnect, never an error`, async (t) => {
        const requestId = `gone-${t.name.replace(/\W+/g, "-")}`.slice(0, 100);
        const before = svc.logs.lines.length;
        const headers = {
          "content-type": "application/json",
          "x-api-key": svc.adminKey,
          "x-request-id": requestId,
        };
        if (h2) await abandonHttp2Request(svc.url, path, headers, '{"metadata":');
        else await abandonHttp1Request(svc.port, path, headers, '{"metadata":', 10_000);
        const lines = await logged((line) => line.request_id === requestId, h2);
        if (!h2) {
          assert.equal(lines.length, 1, JSON.stringify(lines));
          assert.equal(lines[0]?.level, "info");
          assert.match(String(lines[0]?.msg), /client closed the request/);
        }
        const worse = svc.logs.lines
          .slice(before)
          .filter((line) => line.level === "error" || line.level === "warn");
        assert.deepEqual(worse, []);
      });
    }
  });

  describe("a client that sends the whole oversize body before reading", () => {
    const bodyBytes = 8 * 1024 * 1024;
    const protocols = [
      { name: "REST", path: "/api/v1/workflows", contentType: "application/json" },
      { name: "Connect JSON", path: listKeysPath, contentType: "application/json" },
      { name: "gRPC-Web", path: listKeysPath, contentType: "application/grpc-web+proto" },
    ];
    for (const { name, path, contentType } of protocols) {
      for (const chunked of [false, true]) {
        it(`${name}${chunked ? ", chunked" : ""}: receives the size-limit answer`, async () => {
          const answer = await writeAllThenRead(svc.port, path, {
            headers: { "content-type": contentType, "x-api-key": svc.adminKey },
            bodyBytes,
            chunked,
          });
          assert.equal(answer.error, null, `the client saw ${answer.error}`);
          assert.equal(answer.headers.connection, "close");
          assert.ok(answer.headers["x-request-id"], "the answer carries its request id");
          if (name === "REST") {
            assert.equal(answer.status, 413);
            assert.equal(JSON.parse(answer.body).error_code, "PAYLOAD_TOO_LARGE");
          } else if (name === "Connect JSON") {
            assert.equal(answer.status, 429);
            assert.equal(JSON.parse(answer.body).code, "resource_exhausted");
          } else {
            assert.equal(answer.status, 200);
            assert.match(answer.body, new RegExp(`grpc-status:\\s*${Code.ResourceExhausted}`));
          }
          assert.equal((await fetch(`${svc.url}/health`)).status, 200);
        });
      }
    }

    it("gRPC over HTTP/2: RESOURCE_EXHAUSTED reaches a client that sends an 8 MiB message", async () => {
      const message = new Uint8Array(bodyBytes);
      const answer = await rawGrpcCall(svc.url, listKeysPath, grpcFrame(0, message), {
        "x-api-key": svc.adminKey,
      });
      assert.equal(answer.trailers["grpc-status"], String(Code.ResourceExhausted));
    });
  });
});
