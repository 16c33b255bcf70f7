import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { createClient } from "@connectrpc/connect";
import { createConnectTransport, Http2SessionManager } from "@connectrpc/connect-node";
import {
  Health,
  HealthCheckResponse_ServingStatus as ServingStatus,
} from "../../../src/gen/grpc/health/v1/health_pb.js";
import { ApiKeyService } from "../../../src/gen/waddlebot/workflow/v1/api_key_service_pb.js";
import { randomAdminKey } from "../../support/server-harness.js";
import { createTestDatabase, type TestDatabase } from "../../support/test-database.js";
import { errorInfoOf, GrpcJsClient, grpc, isServiceError } from "./grpc-js-client.js";
import { spawnService, within } from "./service-process.js";

const generous = 30_000;

describe("the service process", () => {
  let db: TestDatabase;
  before(async () => {
    db = await createTestDatabase();
  });
  after(() => db.drop());

  function dbEnv(): Record<string, string> {
    return {
      HOST: "127.0.0.1",
      PORT: "0",
      SQLITE_PATH: db.sqlitePath,
      ...(db.databaseUrl === undefined ? {} : { DATABASE_URL: db.databaseUrl }),
    };
  }

  it("refuses bad configuration with one line naming every bad variable", async () => {
    const proc = spawnService({
      ...dbEnv(),
      PORT: "http",
      MAX_LOOP_DEPTH: "deep",
      LOG_LEVEL: "loud",
    });
    const code = await within(proc.exited, generous, "exit");
    assert.notEqual(code, 0);
    const lines = proc.stderr().trim().split("\n");
    assert.equal(lines.length, 1, proc.stderr());
    for (const name of ["PORT", "MAX_LOOP_DEPTH", "LOG_LEVEL"])
      assert.match(lines[0] ?? "", new RegExp(name));
    assert.equal(proc.lines.length, 0, "nothing was started");
  });

  it("fails start-up with a message naming an unreadable TLS file", async () => {
    const proc = spawnService({
      ...dbEnv(),
      TLS_CERT_FILE: "/nonexistent/cert.pem",
      TLS_KEY_FILE: "/nonexistent/key.pem",
    });
    const code = await within(proc.exited, generous, "exit");
    assert.equal(code, 1);
    assert.match(
      proc.stderr(),
      /^startup failed: TLS_CERT_FILE: cannot read \/nonexistent\/cert\.pem/,
    );
  });

  for (const signal of ["SIGTERM", "SIGINT"] as const) {
    it(`stops on ${signal} with exit code 0 while HTTP/2 and HTTP/1.1 clients are connected`, async () => {
      const adminKey = randomAdminKey();
      const proc = spawnService({
        ...dbEnv(),
        ADMIN_API_KEY: adminKey,
        SHUTDOWN_TIMEOUT_MS: "15000",
      });
      const started = await within(
        proc.waitFor((l) => l.action === "start"),
        generous,
        "start-up",
      );
      const url = String(started.url);
      const port = Number(new URL(url).port);

      // grpc-js: a channel with a finished call and an open Watch stream.
      const grpcJs = new GrpcJsClient(`127.0.0.1:${port}`);
      await grpcJs.unary(ApiKeyService.method.listApiKeys, {}, adminKey);
      const watch = grpcJs.serverStream(Health.method.watch, {});
      const statuses: ServingStatus[] = [];
      const watchEnded = new Promise<unknown>((resolve) => {
        watch.on("data", (m: { status: ServingStatus }) => statuses.push(m.status));
        watch.on("error", resolve);
        watch.on("end", () => resolve(null));
      });
      await within(
        new Promise<void>((resolve) => watch.once("data", () => resolve())),
        generous,
        "first Watch message",
      );

      // Connect over HTTP/2: a pooled session that stays open.
      const sessionManager = new Http2SessionManager(url, { idleConnectionTimeoutMs: 600_000 });
      const h2 = createClient(
        Health,
        createConnectTransport({ baseUrl: url, httpVersion: "2", sessionManager }),
      );
      assert.equal((await h2.check({})).status, ServingStatus.SERVING);
      // HTTP/1.1 keep-alive (fetch pools the connection).
      const h1 = await fetch(`${url}/grpc.health.v1.Health/Check`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: "{}",
      });
      assert.equal(h1.status, 200);
      await h1.text();

      proc.child.kill(signal);
      const code = await within(proc.exited, generous, "exit after signal");
      assert.equal(code, 0, proc.stderr());

      const ended = await within(watchEnded, generous, "end of the Watch stream");
      assert.deepEqual(statuses, [ServingStatus.SERVING, ServingStatus.NOT_SERVING]);
      assert.ok(isServiceError(ended), "the stream ends with a status");
      assert.equal(ended.code, grpc.status.UNAVAILABLE);
      assert.equal(errorInfoOf(ended)?.reason, "UNAVAILABLE");
      const stopped = proc.lines.find((l) => l.action === "stop");
      assert.equal(stopped?.forced, false, "closed without hitting the deadline");
      assert.equal(proc.stderr(), "");

      grpcJs.close();
      sessionManager.abort();
    });
  }

  it("keeps ADMIN_API_KEY working across restarts", async () => {
    const adminKey = randomAdminKey();
    for (let run = 0; run < 2; run++) {
      const proc = spawnService({ ...dbEnv(), ADMIN_API_KEY: adminKey });
      const started = await within(
        proc.waitFor((l) => l.action === "start"),
        generous,
        "start-up",
      );
      const bootstrap = proc.lines.find((l) => l.action === "bootstrap_admin_key");
      assert.equal(bootstrap?.created, run === 0);
      const transport = createConnectTransport({
        baseUrl: String(started.url),
        httpVersion: "1.1",
      });
      const keys = createClient(ApiKeyService, transport);
      const { apiKeys } = await keys.listApiKeys({}, { headers: { "x-api-key": adminKey } });
      assert.equal(apiKeys.filter((k) => k.name === "bootstrap-admin").length, 1);
      proc.child.kill("SIGTERM");
      assert.equal(await within(proc.exited, generous, "exit"), 0);
    }
  });
});
