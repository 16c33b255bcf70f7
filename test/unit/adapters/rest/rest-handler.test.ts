import assert from "node:assert/strict";
import { createServer, request as httpRequest, type Server } from "node:http";
import { connect, createServer as createH2Server, type Http2Server } from "node:http2";
import type { AddressInfo } from "node:net";
import { after, before, describe, it } from "node:test";
import { createRestHandler, type RestHandler } from "../../../../src/adapters/rest/rest-handler.js";
import type { WorkflowUseCases } from "../../../../src/application/workflow-use-cases.js";
import { DomainError } from "../../../../src/domain/errors.js";
import type { Principal } from "../../../../src/domain/permissions/principal.js";
import type { Logger } from "../../../../src/ports/logger.js";

/**
 * The handler on real HTTP/1.1 and HTTP/2 (h2c) servers, for everything answered before a use
 * case runs: routing, health, authentication, body limits and parsing. Use cases are wired
 * end to end in test/integration/rest; here any call to one fails loudly (and shows the 500
 * path).
 */
const useCases = new Proxy({} as WorkflowUseCases, {
  get(_target, name) {
    return {
      execute() {
        throw new TypeError(`use case ${String(name)} called with password=hunter2`);
      },
    };
  },
});

const principal: Principal = {
  userId: "u1",
  roles: [],
  communityIds: [1],
  admin: false,
  keyId: "k1",
};

const logged: { level: string; fields: Record<string, unknown> }[] = [];
const logger: Logger = {
  info: (fields) => logged.push({ level: "info", fields }),
  warn: (fields) => logged.push({ level: "warn", fields }),
  error: (fields) => logged.push({ level: "error", fields }),
};

const maxBodyBytes = 1024;
const seenKeys: string[] = [];

function makeHandler(): RestHandler {
  return createRestHandler({
    useCases,
    logger,
    maxBodyBytes,
    maxResponseBytes: 64 * 1024,
    module: "workflow_core_module",
    version: "9.9.9",
    clock: { now: () => Date.parse("2026-03-04T05:06:07.000Z") },
    async authenticate(key) {
      seenKeys.push(key);
      if (key === "good-key") return principal;
      if (key === "revoked-key") {
        throw new DomainError("unauthenticated", "UNAUTHORIZED", "invalid or revoked API key");
      }
      return null;
    },
  });
}

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  json: Record<string, unknown> | null;
  text: string;
}

function parse(status: number, headers: Answer["headers"], text: string): Answer {
  let json: Record<string, unknown> | null = null;
  try {
    json = JSON.parse(text);
  } catch {
    json = null;
  }
  return { status, headers, json, text };
}

let h1: Server;
let h2: Http2Server;
let h1Port = 0;
let h2Port = 0;

before(async () => {
  const handler = makeHandler();
  const fallback = (res: { writeHead(s: number): unknown; end(t: string): unknown }) => {
    res.writeHead(418);
    res.end("not REST");
  };
  h1 = createServer((req, res) => {
    void handler(req, res).then((handled) => handled || fallback(res));
  });
  h2 = createH2Server((req, res) => {
    void handler(req, res).then((handled) => handled || fallback(res));
  });
  await new Promise<void>((resolve) => h1.listen(0, "127.0.0.1", resolve));
  await new Promise<void>((resolve) => h2.listen(0, "127.0.0.1", resolve));
  h1Port = (h1.address() as AddressInfo).port;
  h2Port = (h2.address() as AddressInfo).port;
});

after(async () => {
  h1.closeAllConnections();
  await new Promise((resolve) => h1.close(resolve));
  await new Promise((resolve) => h2.close(resolve));
});

function call1(
  method: string,
  path: string,
  options: { headers?: Record<string, string>; body?: string | Buffer; chunked?: boolean } = {},
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = { ...options.headers };
    if (options.body !== undefined && !options.chunked) {
      headers["content-length"] = String(Buffer.byteLength(options.body));
    }
    const req = httpRequest(
      { host: "127.0.0.1", port: h1Port, method, path, headers, agent: false },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () =>
          resolve(parse(res.statusCode ?? 0, res.headers, Buffer.concat(chunks).toString())),
        );
      },
    );
    req.on("error", reject);
    if (options.body !== undefined) req.write(options.body);
    req.end();
  });
}

function call2(
  method: string,
  path: string,
  options: { headers?: Record<string, string>; body?: string } = {},
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const session = connect(`http://127.0.0.1:${h2Port}`);
    session.on("error", reject);
    const stream = session.request({ ":method": method, ":path": path, ...options.headers });
    const chunks: Buffer[] = [];
    let status = 0;
    let headers: Answer["headers"] = {};
    stream.on("response", (h) => {
      status = Number(h[":status"]);
      headers = h as Answer["headers"];
    });
    stream.on("data", (c: Buffer) => chunks.push(c));
    stream.on("end", () => {
      session.close();
      resolve(parse(status, headers, Buffer.concat(chunks).toString()));
    });
    stream.on("error", reject);
    if (options.body !== undefined) stream.write(options.body);
    stream.end();
  });
}

const auth = { "x-api-key": "good-key" };

describe("REST handler over HTTP/1.1", () => {
  it("serves /health as plain JSON and /api/v1/health and /api/v1/status in the envelope", async () => {
    const health = await call1("GET", "/health");
    assert.equal(health.status, 200);
    assert.deepEqual(health.json, {
      status: "healthy",
      module: "workflow_core_module",
      version: "9.9.9",
      timestamp: "2026-03-04T05:06:07.000Z",
    });
    assert.match(String(health.headers["content-type"]), /^application\/json/);
    const v1 = await call1("GET", "/api/v1/health");
    assert.deepEqual(v1.json, {
      success: true,
      data: { healthy: true, module: "workflow_core_module" },
    });
    const status = await call1("GET", "/api/v1/status");
    assert.deepEqual(status.json, {
      success: true,
      data: {
        status: "operational",
        module: "workflow_core_module",
        version: "9.9.9",
        features: { workflows_enabled: true },
      },
    });
  });

  it("leaves other paths to the next handler", async () => {
    const other = await call1("POST", "/waddlebot.workflow.v1.WorkflowService/GetWorkflow");
    assert.equal(other.status, 418);
    assert.equal(other.text, "not REST");
    assert.equal((await call1("GET", "/api/v10/x")).status, 418);
  });

  it("answers unknown /api/v1 paths with 404 and wrong methods with 405", async () => {
    const missing = await call1("GET", "/api/v1/nothing-here", { headers: auth });
    assert.equal(missing.status, 404);
    assert.deepEqual(missing.json, {
      success: false,
      message: "no endpoint GET /api/v1/nothing-here",
      error_code: "NOT_FOUND",
      details: {},
    });
    const wrong = await call1("PATCH", "/api/v1/workflows/w1", { headers: auth });
    assert.equal(wrong.status, 405);
    assert.equal(wrong.headers.allow, "GET, PUT, DELETE");
    assert.equal(wrong.json?.error_code, "METHOD_NOT_ALLOWED");
    assert.equal(wrong.json?.success, false);
  });

  it("is 401 UNAUTHORIZED without, with an unknown and with a revoked X-API-Key", async () => {
    const cases: Record<string, string>[] = [
      {},
      { "x-api-key": "nope" },
      { "x-api-key": "revoked-key" },
      { "x-api-key": " " },
    ];
    seenKeys.length = 0;
    for (const headers of cases) {
      const answer = await call1("GET", "/api/v1/workflows?community_id=1", { headers });
      assert.equal(answer.status, 401, JSON.stringify(headers));
      assert.equal(answer.json?.success, false);
      assert.equal(answer.json?.error_code, "UNAUTHORIZED");
      assert.deepEqual(answer.json?.details, {});
    }
    // A missing key reaches the authenticator as "", so it logs that failure too.
    assert.deepEqual(seenKeys, ["", "nope", "revoked-key", ""]);
    // A bearer token is not an API key.
    const bearer = await call1("GET", "/api/v1/workflows?community_id=1", {
      headers: { authorization: "Bearer good-key" },
    });
    assert.equal(bearer.status, 401);
  });

  it("answers malformed JSON with 400 BAD_REQUEST, never 500", async () => {
    for (const body of ["{not json", "[1,2]", '"x"']) {
      const answer = await call1("POST", "/api/v1/workflows", {
        headers: { ...auth, "content-type": "application/json" },
        body,
      });
      assert.equal(answer.status, 400, body);
      assert.equal(answer.json?.error_code, "BAD_REQUEST");
      const details = answer.json?.details as { field_violations: { field: string }[] };
      assert.equal(details.field_violations[0]?.field, "body");
    }
  });

  it("answers invalid fields with 400 and their violations before any use case runs", async () => {
    const answer = await call1("POST", "/api/v1/workflows/w1/execute", {
      headers: auth,
      body: JSON.stringify({ community_id: "abc", variables: 1 }),
    });
    assert.equal(answer.status, 400);
    assert.deepEqual(answer.json, {
      success: false,
      message: "invalid execute request",
      error_code: "BAD_REQUEST",
      details: {
        field_violations: [
          { field: "community_id", description: "community_id must be an integer of at least 1" },
          { field: "variables", description: "variables must be a JSON object" },
        ],
      },
    });
    const query = await call1("GET", "/api/v1/workflows/w1/executions?per_page=x&sort_by=name", {
      headers: auth,
    });
    assert.equal(query.status, 400);
    assert.deepEqual(
      (query.json?.details as { field_violations: { field: string }[] }).field_violations.map(
        (v) => v.field,
      ),
      ["per_page", "sort_by"],
    );
    const badId = await call1("GET", "/api/v1/workflows/%00bad", { headers: auth });
    assert.equal(badId.status, 400);
    assert.equal(badId.json?.error_code, "BAD_REQUEST");
  });

  it("answers an oversize body with 413, declared or chunked", async () => {
    const big = JSON.stringify({ name: "x".repeat(maxBodyBytes) });
    const declared = await call1("POST", "/api/v1/workflows", { headers: auth, body: big });
    assert.equal(declared.status, 413);
    assert.equal(declared.json?.error_code, "PAYLOAD_TOO_LARGE");
    assert.deepEqual(declared.json?.details, { limit: String(maxBodyBytes) });
    assert.equal(declared.headers.connection, "close");
    const chunked = await call1("POST", "/api/v1/workflows", {
      headers: auth,
      body: big,
      chunked: true,
    });
    assert.equal(chunked.status, 413);
    assert.equal(chunked.json?.error_code, "PAYLOAD_TOO_LARGE");
  });

  it("answers an unexpected failure with a generic 500 and logs the cause", async () => {
    logged.length = 0;
    const answer = await call1("GET", "/api/v1/workflows/w1", { headers: auth });
    assert.equal(answer.status, 500);
    const requestId = (answer.json?.details as { request_id?: unknown } | undefined)?.request_id;
    assert.equal(typeof requestId, "string");
    assert.deepEqual(answer.json, {
      success: false,
      message: "internal server error",
      error_code: "INTERNAL_ERROR",
      details: { request_id: requestId },
    });
    assert.doesNotMatch(answer.text, /hunter2/);
    assert.equal(logged.length, 1);
    assert.equal(logged[0]?.level, "error");
    assert.equal(logged[0]?.fields.request_id, requestId);
    assert.match(String(logged[0]?.fields.err), /hunter2/);
  });
});

describe("REST handler over HTTP/2 (compatibility API)", () => {
  it("serves health, 401 and 404 answers", async () => {
    const health = await call2("GET", "/health");
    assert.equal(health.status, 200);
    assert.equal(health.json?.status, "healthy");
    const unauthorized = await call2("GET", "/api/v1/workflows/w1");
    assert.equal(unauthorized.status, 401);
    assert.equal(unauthorized.json?.error_code, "UNAUTHORIZED");
    const missing = await call2("GET", "/api/v1/nowhere", { headers: auth });
    assert.equal(missing.status, 404);
  });

  it("reads bodies and answers 400 and 413 without connection headers", async () => {
    const malformed = await call2("POST", "/api/v1/workflows", { headers: auth, body: "{" });
    assert.equal(malformed.status, 400);
    assert.equal(malformed.json?.error_code, "BAD_REQUEST");
    const big = await call2("POST", "/api/v1/workflows", {
      headers: auth,
      body: "x".repeat(maxBodyBytes + 1),
    });
    assert.equal(big.status, 413);
    assert.equal(big.json?.error_code, "PAYLOAD_TOO_LARGE");
    assert.equal(big.headers.connection, undefined);
  });

  it("leaves other paths to the next handler", async () => {
    const other = await call2("POST", "/waddlebot.workflow.v1.WorkflowService/GetWorkflow");
    assert.equal(other.status, 418);
  });
});
