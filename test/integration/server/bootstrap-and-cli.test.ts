import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { after, before, describe, it } from "node:test";
import { promisify } from "node:util";
import { Code } from "@connectrpc/connect";
import { startService } from "../../../src/composition/start-service.js";
import { ApiKeyService } from "../../../src/gen/waddlebot/workflow/v1/api_key_service_pb.js";
import {
  LogCapture,
  randomAdminKey,
  startTestService,
  testConfig,
} from "../../support/server-harness.js";
import { createTestDatabase, type TestDatabase } from "../../support/test-database.js";
import { expectConnectError } from "./expect-error.js";

const run = promisify(execFile);

describe("first-run bootstrap and the CLI", () => {
  let db: TestDatabase;
  before(async () => {
    db = await createTestDatabase();
  });
  after(() => db.drop());

  it("starts without ADMIN_API_KEY with no keys at all", async () => {
    const svc = await startTestService({ db, adminKey: null });
    try {
      const keys = svc.connect(ApiKeyService, "connect-h1", "anything-at-all-0000");
      await expectConnectError(keys.listApiKeys({}), Code.Unauthenticated, "UNAUTHORIZED");
      assert.equal(svc.logs.find((l) => l.action === "bootstrap_admin_key").length, 0);
    } finally {
      await svc.stop();
    }
  });

  const first = randomAdminKey();
  const second = randomAdminKey();

  it("creates the admin key once and keeps it across restarts", async () => {
    for (let run = 0; run < 2; run++) {
      const svc = await startTestService({ db, adminKey: first });
      try {
        const { apiKeys } = await svc.connect(ApiKeyService, "connect-h2", first).listApiKeys({});
        const bootstrap = apiKeys.filter((k) => k.name === "bootstrap-admin");
        assert.equal(bootstrap.length, 1);
        assert.equal(bootstrap[0]?.principal?.admin, true);
        assert.equal(bootstrap[0]?.createdBy, "system:bootstrap");
        const line = svc.logs.find((l) => l.action === "bootstrap_admin_key")[0];
        assert.equal(line?.created, run === 0);
      } finally {
        await svc.stop();
      }
    }
  });

  it("switches to a changed ADMIN_API_KEY and revokes the old one", async () => {
    const svc = await startTestService({ db, adminKey: second });
    try {
      const keys = svc.connect(ApiKeyService, "connect-h1", second);
      const { apiKeys } = await keys.listApiKeys({ includeRevoked: true });
      const bootstrap = apiKeys.filter((k) => k.name === "bootstrap-admin");
      assert.equal(bootstrap.length, 2);
      assert.equal(bootstrap.filter((k) => k.revokedAt === undefined).length, 1);
      const old = svc.connect(ApiKeyService, "grpc-web", first);
      await expectConnectError(old.listApiKeys({}), Code.Unauthenticated, "UNAUTHORIZED");
      assert.ok(svc.logs.find((l) => l.action === "revoke_bootstrap_api_key").length === 1);
    } finally {
      await svc.stop();
    }
  });

  // The next test starts with `second` again: the refused start must not have revoked it.
  it("refuses to start with an ADMIN_API_KEY that was revoked", async () => {
    const logs = new LogCapture();
    await assert.rejects(
      startService(testConfig(db, { ADMIN_API_KEY: first }), { logDestination: logs.destination }),
      /ADMIN_API_KEY is the secret of a revoked API key/,
    );
  });

  it("creates, lists and revokes keys with the CLI on the service's database", async () => {
    const svc = await startTestService({ db, adminKey: second });
    const env = {
      PATH: process.env.PATH ?? "",
      SQLITE_PATH: db.sqlitePath,
      ...(db.databaseUrl === undefined ? {} : { DATABASE_URL: db.databaseUrl }),
    };
    const cli = (...args: string[]) =>
      run(process.execPath, ["--import", "tsx", "src/cli.ts", ...args], {
        cwd: new URL("../../../", import.meta.url),
        env,
      });
    try {
      const created = await cli(
        "create-api-key",
        "--name",
        "cli bot",
        "--user",
        "bot-1",
        "--admin",
        "--roles",
        "a,b",
        "--communities",
        "5,2",
      );
      const key = JSON.parse(created.stdout) as Record<string, unknown>;
      assert.match(String(key.secret), /^wfk_/);
      assert.deepEqual(key.community_ids, [2, 5]);
      assert.equal(key.created_by, "cli");
      assert.match(created.stderr, /cannot be shown again/);

      // The server accepts it at once (no cache in between).
      const viaServer = svc.connect(ApiKeyService, "connect-h2", String(key.secret));
      const { apiKeys } = await viaServer.listApiKeys({});
      assert.ok(apiKeys.some((k) => k.keyId === key.key_id && k.principal?.userId === "bot-1"));

      const listed = (await cli("list-api-keys")).stdout
        .trim()
        .split("\n")
        .map((l) => JSON.parse(l));
      assert.ok(listed.some((k) => k.key_id === key.key_id));
      assert.ok(!JSON.stringify(listed).includes(String(key.secret)));

      await cli("revoke-api-key", String(key.key_id));
      await expectConnectError(viaServer.listApiKeys({}), Code.Unauthenticated, "UNAUTHORIZED");
      const all = (await cli("list-api-keys", "--all")).stdout;
      assert.match(all, new RegExp(`"key_id":"${key.key_id}".*"revoked_at":"\\d{4}-`));

      await assert.rejects(
        cli("create-api-key", "--name", "no user"),
        (e: { code: number; stderr: string }) => {
          assert.equal(e.code, 2);
          assert.match(e.stderr, /needs --name and --user/);
          return true;
        },
      );
      await assert.rejects(
        cli("revoke-api-key", "no-such-key"),
        (e: { code: number; stderr: string }) => {
          assert.equal(e.code, 1);
          assert.match(e.stderr, /^NOT_FOUND: /);
          return true;
        },
      );
    } finally {
      await svc.stop();
    }
  });
});
