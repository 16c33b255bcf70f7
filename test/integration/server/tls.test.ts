import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import https from "node:https";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { promisify } from "node:util";
import { createClient } from "@connectrpc/connect";
import { createConnectTransport, Http2SessionManager } from "@connectrpc/connect-node";
import {
  Health,
  HealthCheckResponse_ServingStatus as ServingStatus,
} from "../../../src/gen/grpc/health/v1/health_pb.js";
import { ApiKeyService } from "../../../src/gen/waddlebot/workflow/v1/api_key_service_pb.js";
import { startTestService, type TestService } from "../../support/server-harness.js";
import { GrpcJsClient, grpc } from "./grpc-js-client.js";

const run = promisify(execFile);

describe("TLS (TLS_CERT_FILE / TLS_KEY_FILE): HTTP/1.1 and HTTP/2 through ALPN", () => {
  let folder: string;
  let ca: Buffer;
  let svc: TestService;
  // An error no listener handles would crash the service process; here it would only be
  // reported by the test runner, so the tests look for it themselves.
  const uncaught: unknown[] = [];
  process.on("uncaughtExceptionMonitor", (error) => uncaught.push(error));

  before(async () => {
    folder = await mkdtemp(join(tmpdir(), "wf-tls-"));
    const cert = join(folder, "cert.pem");
    const key = join(folder, "key.pem");
    await run("openssl", [
      "req",
      "-x509",
      "-newkey",
      "rsa:2048",
      "-nodes",
      "-days",
      "1",
      "-subj",
      "/CN=localhost",
      "-addext",
      "subjectAltName=IP:127.0.0.1,DNS:localhost",
      "-keyout",
      key,
      "-out",
      cert,
    ]);
    ca = await readFile(cert);
    svc = await startTestService({
      env: { TLS_CERT_FILE: cert, TLS_KEY_FILE: key, HTTP2_IDLE_TIMEOUT_MS: "200" },
    });
  });
  after(async () => {
    await svc.close();
    await rm(folder, { recursive: true, force: true });
  });

  it("serves https:// and answers HTTP/1.1 clients", async () => {
    assert.match(svc.url, /^https:\/\/127\.0\.0\.1:\d+$/);
    const { status, version, body } = await new Promise<{
      status: number;
      version: string;
      body: string;
    }>((resolve, reject) => {
      const req = https.request(
        `${svc.url}/waddlebot.workflow.v1.ApiKeyService/ListApiKeys`,
        {
          method: "POST",
          ca,
          headers: { "content-type": "application/json", "x-api-key": svc.adminKey },
        },
        (res) => {
          let text = "";
          res.on("data", (chunk) => {
            text += chunk;
          });
          res.on("end", () =>
            resolve({ status: res.statusCode ?? 0, version: res.httpVersion, body: text }),
          );
        },
      );
      req.on("error", reject);
      req.end("{}");
    });
    assert.equal(version, "1.1");
    assert.equal(status, 200);
    assert.equal(JSON.parse(body).apiKeys.length, 1);
  });

  it("answers Connect over HTTP/2 (h2 by ALPN)", async () => {
    const sessionManager = new Http2SessionManager(svc.url, {}, { ca });
    svc.onStop(() => sessionManager.abort());
    const health = createClient(
      Health,
      createConnectTransport({ baseUrl: svc.url, httpVersion: "2", sessionManager }),
    );
    assert.equal((await health.check({})).status, ServingStatus.SERVING);
  });

  it("answers grpc-js over TLS", async () => {
    const client = new GrpcJsClient(`localhost:${svc.port}`, grpc.credentials.createSsl(ca));
    svc.onStop(() => client.close());
    const { apiKeys } = await client.unary(ApiKeyService.method.listApiKeys, {}, svc.adminKey);
    assert.equal(apiKeys.length, 1);
  });

  it("keeps serving when idle HTTP/1.1 and HTTP/2 connections time out", async () => {
    const agent = new https.Agent({ keepAlive: true, ca });
    const get = () =>
      new Promise<number>((resolve, reject) => {
        const req = https.request(
          `${svc.url}/grpc.health.v1.Health/Check`,
          { method: "POST", agent, headers: { "content-type": "application/json" } },
          (res) => {
            res.resume();
            res.on("end", () => resolve(res.statusCode ?? 0));
          },
        );
        req.on("error", reject);
        req.end("{}");
      });
    assert.equal(await get(), 200);
    const sessionManager = new Http2SessionManager(svc.url, {}, { ca });
    svc.onStop(() => sessionManager.abort());
    const health = createClient(
      Health,
      createConnectTransport({ baseUrl: svc.url, httpVersion: "2", sessionManager }),
    );
    await health.check({});
    await new Promise((resolve) => setTimeout(resolve, 600));
    assert.equal(await get(), 200);
    assert.equal((await health.check({})).status, ServingStatus.SERVING);
    assert.deepEqual(uncaught, []);
    agent.destroy();
  });
});
