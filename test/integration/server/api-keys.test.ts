import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { timestampDate } from "@bufbuild/protobuf/wkt";
import { Code } from "@connectrpc/connect";
import { openPersistence } from "../../../src/adapters/persistence/open-persistence.js";
import { ApiKeyService } from "../../../src/gen/waddlebot/workflow/v1/api_key_service_pb.js";
import { startTestService, type TestService } from "../../support/server-harness.js";
import { expectConnectError, expectGrpcJsError } from "./expect-error.js";
import { GrpcJsClient, grpc } from "./grpc-js-client.js";

describe("ApiKeyService", () => {
  let svc: TestService;
  let grpcJs: GrpcJsClient;

  before(async () => {
    svc = await startTestService();
    grpcJs = new GrpcJsClient(`127.0.0.1:${svc.port}`);
    svc.onStop(() => grpcJs.close());
  });
  after(() => svc.close());

  it("creates a key whose secret is shown once and authenticates as its principal", async () => {
    const admin = svc.connect(ApiKeyService, "connect-h2", svc.adminKey);
    const created = await admin.createApiKey({
      name: " moderation bot ",
      principal: { userId: "user-42", roles: ["mod", "mod", "editor"], communityIds: [9n, 3n] },
    });
    assert.match(created.secret, /^wfk_[A-Za-z0-9_-]{43}$/);
    const key = created.apiKey;
    assert.ok(key);
    assert.equal(key.name, "moderation bot");
    assert.deepEqual(key.principal?.roles, ["mod", "editor"]);
    assert.deepEqual(key.principal?.communityIds, [3n, 9n]);
    assert.equal(key.principal?.admin, false);
    assert.equal(key.createdBy, "admin");
    assert.ok(key.createdAt);
    assert.equal(key.revokedAt, undefined);

    const listed = (await admin.listApiKeys({})).apiKeys.find((k) => k.keyId === key.keyId);
    assert.ok(listed, "the new key is listed");
    assert.ok(
      !JSON.stringify(listed, (_k, v) => (typeof v === "bigint" ? String(v) : v)).includes(
        created.secret,
      ),
    );

    // The new key authenticates (it is no admin, so ApiKeyService answers PERMISSION_DENIED).
    const asUser = svc.connect(ApiKeyService, "connect-h1", created.secret);
    await expectConnectError(asUser.listApiKeys({}), Code.PermissionDenied, "PERMISSION_DENIED");
  });

  it("creates an admin key that can manage keys itself", async () => {
    const admin = svc.connect(ApiKeyService, "grpc-web", svc.adminKey);
    const second = await admin.createApiKey({
      name: "second admin",
      principal: { userId: "ops", admin: true },
    });
    const { apiKeys } = await grpcJs.unary(ApiKeyService.method.listApiKeys, {}, second.secret);
    assert.ok(apiKeys.some((k) => k.keyId === second.apiKey?.keyId));
  });

  it("revokes a key: it stops working at once, is hidden unless include_revoked", async () => {
    const admin = svc.connect(ApiKeyService, "connect-h1", svc.adminKey);
    const created = await admin.createApiKey({
      name: "short-lived",
      principal: { userId: "tmp", admin: true },
    });
    const keyId = created.apiKey?.keyId ?? "";
    await grpcJs.unary(ApiKeyService.method.listApiKeys, {}, created.secret);

    const { apiKey } = await admin.revokeApiKey({ keyId });
    assert.ok(apiKey?.revokedAt);
    await expectGrpcJsError(
      grpcJs.unary(ApiKeyService.method.listApiKeys, {}, created.secret),
      grpc.status.UNAUTHENTICATED,
      "UNAUTHORIZED",
    );
    const active = await admin.listApiKeys({});
    assert.ok(!active.apiKeys.some((k) => k.keyId === keyId));
    const all = await admin.listApiKeys({ includeRevoked: true });
    const revoked = all.apiKeys.find((k) => k.keyId === keyId);
    assert.ok(revoked?.revokedAt);

    // Revoking again returns the key unchanged.
    const again = await admin.revokeApiKey({ keyId });
    assert.deepEqual(
      timestampDate(again.apiKey?.revokedAt ?? assert.fail("no revokedAt")),
      timestampDate(apiKey.revokedAt),
    );
  });

  it("answers NOT_FOUND for an unknown key and BAD_REQUEST with field violations", async () => {
    const admin = svc.connect(ApiKeyService, "connect-h2", svc.adminKey);
    const notFound = await expectConnectError(
      admin.revokeApiKey({ keyId: "no-such-key" }),
      Code.NotFound,
      "NOT_FOUND",
    );
    assert.match(notFound.rawMessage, /no-such-key/);
    await expectConnectError(
      admin.revokeApiKey({ keyId: "" }),
      Code.InvalidArgument,
      "BAD_REQUEST",
    );
    const bad = await expectGrpcJsError(
      grpcJs.unary(
        ApiKeyService.method.createApiKey,
        { name: "", principal: { userId: "", communityIds: [0n] } },
        svc.adminKey,
      ),
      grpc.status.INVALID_ARGUMENT,
      "BAD_REQUEST",
    );
    assert.ok(bad.details.length > 0);
  });

  it("audits create and revoke in the log and the persistent trail", async () => {
    const admin = svc.connect(ApiKeyService, "connect-h1", svc.adminKey);
    const created = await admin.createApiKey({ name: "audited", principal: { userId: "aud" } });
    const keyId = created.apiKey?.keyId ?? "";
    await admin.revokeApiKey({ keyId });

    const logged = svc.logs.find((l) => l.event_type === "AUDIT");
    const createLine = logged.find(
      (l) =>
        l.action === "create_api_key" &&
        (l.details as Record<string, unknown>).created_key_id === keyId,
    );
    assert.ok(createLine, "create_api_key is logged");
    assert.equal(createLine.user, "admin");
    assert.equal(createLine.result, "SUCCESS");
    assert.ok(
      logged.some(
        (l) =>
          l.action === "revoke_api_key" &&
          (l.details as Record<string, unknown>).revoked_key_id === keyId,
      ),
    );
    assert.ok(!svc.logs.text().includes(created.secret));

    await svc.stop();
    const persistence = await openPersistence({
      databaseUrl: svc.db.databaseUrl,
      sqlitePath: svc.db.sqlitePath,
    });
    try {
      const stored = JSON.stringify(await persistence.auditEvents.list({}));
      assert.ok(stored.includes(keyId));
      assert.ok(stored.includes("create_api_key"));
      assert.ok(stored.includes("revoke_api_key"));
      assert.ok(!stored.includes(created.secret));
    } finally {
      await persistence.close();
    }
  });
});
