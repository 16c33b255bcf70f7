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

describe("authentication", () => {
  let svc: TestService;
  let grpcJs: GrpcJsClient;
  let revokedKey: string;
  let userKey: string;
  const unknownKey = "wfk_this-key-was-never-issued-0000000000000";

  before(async () => {
    svc = await startTestService();
    grpcJs = new GrpcJsClient(`127.0.0.1:${svc.port}`);
    svc.onStop(() => grpcJs.close());
    const admin = svc.connect(ApiKeyService, "connect-h1", svc.adminKey);
    const revoked = await admin.createApiKey({
      name: "to revoke",
      principal: { userId: "u-revoked" },
    });
    await admin.revokeApiKey({ keyId: revoked.apiKey?.keyId ?? "" });
    revokedKey = revoked.secret;
    userKey = (
      await admin.createApiKey({
        name: "plain user",
        principal: { userId: "u-1", roles: ["mod"], communityIds: [7n] },
      })
    ).secret;
  });
  after(() => svc.close());

  const cases: [string, () => string | undefined][] = [
    ["missing", () => undefined],
    ["unknown", () => unknownKey],
    ["revoked", () => revokedKey],
  ];

  for (const [label, key] of cases) {
    for (const protocol of ["connect-h1", "connect-h2", "grpc-web"] as const) {
      it(`rejects a ${label} key over ${protocol} with UNAUTHORIZED`, async () => {
        const keys = svc.connect(ApiKeyService, protocol, key());
        await expectConnectError(keys.listApiKeys({}), Code.Unauthenticated, "UNAUTHORIZED");
      });
    }

    it(`rejects a ${label} key over grpc-js with UNAUTHORIZED`, async () => {
      await expectGrpcJsError(
        grpcJs.unary(ApiKeyService.method.listApiKeys, {}, key()),
        grpc.status.UNAUTHENTICATED,
        "UNAUTHORIZED",
      );
    });

    it(`rejects a ${label} key over plain HTTP/1.1 JSON with 401`, async () => {
      const k = key();
      const reply = await post(
        `${svc.url}/waddlebot.workflow.v1.ApiKeyService/ListApiKeys`,
        "{}",
        k === undefined ? {} : { "x-api-key": k },
      );
      assertJsonError(reply, 401, "unauthenticated", "UNAUTHORIZED");
    });
  }

  it("serves health without a key on every protocol", async () => {
    for (const protocol of ["connect-h1", "connect-h2", "grpc-web"] as const) {
      const health = svc.connect(Health, protocol);
      assert.equal((await health.check({})).status, ServingStatus.SERVING);
    }
    const health = await grpcJs.unary(Health.method.check, {});
    assert.equal(health.status, ServingStatus.SERVING);
  });

  it("lets an authenticated non-admin through authentication but not into ApiKeyService", async () => {
    const keys = svc.connect(ApiKeyService, "connect-h2", userKey);
    await expectConnectError(keys.listApiKeys({}), Code.PermissionDenied, "PERMISSION_DENIED");
    await expectGrpcJsError(
      grpcJs.unary(
        ApiKeyService.method.createApiKey,
        { name: "x", principal: { userId: "y" } },
        userKey,
      ),
      grpc.status.PERMISSION_DENIED,
      "PERMISSION_DENIED",
    );
  });

  it("logs failures as AUTH/FAILURE and denials as AUTHZ/DENIED, never with the key", async () => {
    const failures = svc.logs.find((l) => l.event_type === "AUTH");
    assert.ok(failures.length >= 3);
    for (const line of failures) {
      assert.equal(line.result, "FAILURE");
      assert.equal(line.level, "warn");
    }
    const denials = svc.logs.find((l) => l.event_type === "AUTHZ");
    assert.ok(denials.some((l) => l.result === "DENIED" && l.user === "u-1"));
    const text = svc.logs.text();
    for (const secret of [unknownKey, revokedKey, userKey, svc.adminKey]) {
      assert.ok(!text.includes(secret), "a secret reached the log");
    }
  });
});
