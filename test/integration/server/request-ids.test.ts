/**
 * Every request has an id: the client's well-formed `x-request-id`, else a generated one. Every
 * answer of every protocol carries it in the `x-request-id` header (gRPC also in the trailers),
 * every 5xx in its error body too, and every 5xx is logged exactly once with it.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { Code, ConnectError } from "@connectrpc/connect";
import { Health } from "../../../src/gen/grpc/health/v1/health_pb.js";
import { ApiKeyService } from "../../../src/gen/waddlebot/workflow/v1/api_key_service_pb.js";
import { ErrorInfoSchema } from "../../../src/gen/waddlebot/workflow/v1/errors_pb.js";
import {
  type ConnectProtocol,
  startTestService,
  type TestService,
} from "../../support/server-harness.js";
import { errorInfoOf, GrpcJsClient, grpc, isServiceError } from "./grpc-js-client.js";
import { grpcFrame, rawGrpcCall } from "./raw-clients.js";
import { runSql } from "./run-sql.js";

const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const connectProtocols: ConnectProtocol[] = ["connect-h1", "connect-h2", "grpc-web", "grpc-web-h2"];

describe("request ids", () => {
  let svc: TestService;
  let grpcJs: GrpcJsClient;

  before(async () => {
    svc = await startTestService();
    grpcJs = new GrpcJsClient(`127.0.0.1:${svc.port}`);
    svc.onStop(() => grpcJs.close());
  });
  after(() => svc.close());

  describe("on every answer", () => {
    it("REST: keeps a well-formed id, replaces a malformed one with a UUID", async () => {
      const kept = await fetch(`${svc.url}/health`, { headers: { "x-request-id": "rest-1" } });
      assert.equal(kept.headers.get("x-request-id"), "rest-1");
      for (const bad of ["has spaces", "x".repeat(129), "-leading-dash", "ünïcode"]) {
        const res = await fetch(`${svc.url}/api/v1/workflows`, {
          headers: { "x-request-id": bad },
        });
        assert.equal(res.status, 401);
        assert.match(res.headers.get("x-request-id") ?? "", uuid, `replaces ${bad}`);
      }
      const generated = await fetch(`${svc.url}/no/such/path`);
      assert.match(generated.headers.get("x-request-id") ?? "", uuid);
    });

    for (const protocol of connectProtocols) {
      it(`${protocol}: in the response headers, success or error`, async () => {
        const health = svc.connect(Health, protocol);
        let header: Headers | undefined;
        await health.check(
          {},
          {
            headers: { "x-request-id": `ok-${protocol}` },
            onHeader: (h) => {
              header = h;
            },
          },
        );
        assert.equal(header?.get("x-request-id"), `ok-${protocol}`);
        const keys = svc.connect(ApiKeyService, protocol, "not-a-key");
        const error = await keys.listApiKeys({}).then(
          () => assert.fail("an unknown key must fail"),
          (e: unknown) => ConnectError.from(e),
        );
        assert.equal(error.code, Code.Unauthenticated);
        assert.match(error.metadata.get("x-request-id") ?? "", uuid);
      });
    }

    it("gRPC: in the headers and the trailers", async () => {
      const answer = await rawGrpcCall(
        svc.url,
        "/grpc.health.v1.Health/Check",
        grpcFrame(0, new Uint8Array()),
        { "x-request-id": "grpc-1" },
      );
      assert.equal(answer.trailers["grpc-status"], "0");
      assert.equal(answer.headers["x-request-id"], "grpc-1");
      assert.equal(answer.trailers["x-request-id"], "grpc-1");
    });
  });

  describe("a real 5xx (the api_keys table gone)", () => {
    before(() => runSql(svc.db, ["alter table api_keys rename to api_keys_hidden"]));
    after(() => runSql(svc.db, ["alter table api_keys_hidden rename to api_keys"]));

    /** The one log line with `id`, asserted to be the only one and an error. */
    function loggedOnce(id: string) {
      const lines = svc.logs.find((line) => line.request_id === id);
      assert.equal(lines.length, 1, JSON.stringify(lines));
      assert.equal(lines[0]?.level, "error");
      assert.equal(lines[0]?.event_type, "ERROR");
      return lines[0];
    }

    it("REST: the id in the header and in details.request_id, one error line", async () => {
      const res = await fetch(`${svc.url}/api/v1/workflows`, {
        headers: { "x-api-key": svc.adminKey, "x-request-id": "rest-500" },
      });
      assert.equal(res.status, 500);
      assert.equal(res.headers.get("x-request-id"), "rest-500");
      const body = (await res.json()) as { error_code: string; details: { request_id: string } };
      assert.equal(body.error_code, "INTERNAL_ERROR");
      assert.equal(body.details.request_id, "rest-500");
      loggedOnce("rest-500");
    });

    for (const protocol of connectProtocols) {
      it(`${protocol}: the id in the header and the ErrorInfo, one error line`, async () => {
        const id = `rpc-500-${protocol}`;
        const keys = svc.connect(ApiKeyService, protocol, svc.adminKey);
        const error = await keys.listApiKeys({}, { headers: { "x-request-id": id } }).then(
          () => assert.fail("the call must fail"),
          (e: unknown) => ConnectError.from(e),
        );
        assert.equal(error.code, Code.Internal);
        assert.equal(error.metadata.get("x-request-id"), id);
        const [info] = error.findDetails(ErrorInfoSchema);
        assert.equal(info?.metadata.request_id, id);
        loggedOnce(id);
      });
    }

    it("gRPC (grpc-js): a generated id in the trailers and the ErrorInfo, one error line", async () => {
      const error = await grpcJs.unary(ApiKeyService.method.listApiKeys, {}, svc.adminKey).then(
        () => assert.fail("the call must fail"),
        (e: unknown) => e,
      );
      assert.ok(isServiceError(error));
      assert.equal(error.code, grpc.status.INTERNAL);
      const [id] = error.metadata.get("x-request-id");
      assert.match(String(id), uuid);
      assert.equal(errorInfoOf(error)?.metadata.request_id, String(id));
      loggedOnce(String(id));
    });
  });
});
