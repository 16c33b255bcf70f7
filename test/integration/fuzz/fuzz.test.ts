/**
 * The fuzz suite (issue 9, "no unexplained 500"): seeded, bounded requests over REST, Connect
 * JSON, gRPC-Web and gRPC against the real service in its own process, to every RPC of the
 * generated services and every REST route. Asserts for each answer: no 5xx but the documented
 * ones, every 4xx names what was wrong (targets.ts, requests.ts, wire.ts); throughout: the
 * process stays up and /health answers; afterwards: each 5xx was logged once with its request
 * id, and the service's memory is back near its baseline.
 *
 *   FUZZ_SEED=<n>       replay a run (the seed is printed at the start)
 *   FUZZ_REQUESTS=<n>   requests per protocol (default 1500; `make fuzz` runs more)
 */
import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import { after, before, describe, it } from "node:test";
import { create, type DescMessage, type MessageInitShape, toJson } from "@bufbuild/protobuf";
import fc from "fast-check";
import { ApiKeyService } from "../../../src/gen/waddlebot/workflow/v1/api_key_service_pb.js";
import { ExecutionService } from "../../../src/gen/waddlebot/workflow/v1/execution_service_pb.js";
import { WorkflowService } from "../../../src/gen/waddlebot/workflow/v1/workflow_service_pb.js";
import { randomAdminKey } from "../../support/server-harness.js";
import { createTestDatabase, type TestDatabase } from "../../support/test-database.js";
import { quickWorkflow, toCreateRequest } from "../../support/workflow-fixtures.js";
import { type ServiceProcess, spawnService } from "../server/service-process.js";
import { storedGraphs } from "./graphs.js";
import {
  type FuzzContext,
  type Protocol,
  restRequest,
  rpcRequest,
  type WireRequest,
} from "./requests.js";
import { restTargets, rpcTargets } from "./targets.js";
import type { IdPool } from "./values.js";
import { type Answer, GrpcSession, isFiveHundred, problemOf, send } from "./wire.js";

/**
 * `make test` replays one seed, so CI is deterministic; `make fuzz` explores with random seeds.
 * Open finding (2026-12-04): seeds 1799121922 and 1909321869 end a gRPC Health/Check with
 * RST_STREAM 6 (FRAME_SIZE_ERROR) and no status, after a 70 KB message on the same session;
 * not yet explained, so not in the default.
 */
const defaultSeed = 1901727526;
const seed = Number(process.env.FUZZ_SEED ?? defaultSeed);
const perProtocol = Number(process.env.FUZZ_REQUESTS ?? 1500);
const maxRequestBytes = 256 * 1024;
const healthEvery = 50;
const concurrency = 4;
/** The service's V8 heap limit in the run: about 5 times what it uses when idle. */
const heapLimitMib = 256;
/** Generous: the service may keep what it allocated (V8 rarely returns pages to the system). */
const rssSlackBytes = 256 * 1024 * 1024;

describe(`fuzz (seed ${seed}, ${perProtocol} requests per protocol)`, () => {
  let db: TestDatabase;
  let service: ServiceProcess;
  let url: string;
  let grpc: GrpcSession;
  const adminKey = randomAdminKey();
  const pool: IdPool = { ids: [] };
  const fiveHundreds: string[] = [];
  let baselineRss = 0;

  before(async () => {
    console.log(`fuzz seed ${seed}: replay with FUZZ_SEED=${seed}`);
    db = await createTestDatabase();
    service = spawnService({
      HOST: "127.0.0.1",
      PORT: "0",
      ...(db.databaseUrl === undefined ? {} : { DATABASE_URL: db.databaseUrl }),
      SQLITE_PATH: db.sqlitePath,
      ADMIN_API_KEY: adminKey,
      MAX_REQUEST_BYTES: String(maxRequestBytes),
      LOG_LEVEL: "info",
      SHUTDOWN_TIMEOUT_MS: "5000",
      // A leak then ends in a crash the suite sees, instead of a heap V8 merely lets grow.
      NODE_OPTIONS: `--max-old-space-size=${heapLimitMib}`,
    });
    const listening = await service.waitFor((line) => line.action === "start");
    url = String(listening.url);
    grpc = new GrpcSession(url);
    await seedIds();
  });

  after(async () => {
    grpc?.close();
    if (service !== undefined && service.child.exitCode === null) {
      service.child.kill("SIGTERM");
      await service.exited;
    }
    await db?.drop();
  });

  /** Real ids for the generators: workflows (pathological ones too), an execution, a key. */
  async function seedIds() {
    const workflowIds: string[] = [];
    for (const spec of [quickWorkflow({ communityId: 1 }), ...storedGraphs]) {
      const created = await rpc(
        WorkflowService.method.createWorkflow.input,
        "WorkflowService/CreateWorkflow",
        toCreateRequest(spec),
      );
      workflowIds.push(String((created.workflow as { workflowId: string }).workflowId));
    }
    const [quick] = workflowIds;
    await rpc(WorkflowService.method.publishWorkflow.input, "WorkflowService/PublishWorkflow", {
      workflowId: quick,
    });
    const run = await rpc(
      ExecutionService.method.executeWorkflow.input,
      "ExecutionService/ExecuteWorkflow",
      {
        workflowId: quick,
        communityId: 1n,
      },
    );
    const key = await rpc(ApiKeyService.method.createApiKey.input, "ApiKeyService/CreateApiKey", {
      name: "fuzz",
      principal: { userId: "fuzzer" },
    });
    pool.ids.push(
      ...workflowIds,
      String((run.execution as { executionId: string }).executionId),
      String((key.apiKey as { keyId?: string } | undefined)?.keyId ?? "missing"),
    );
  }

  async function rpc<T extends DescMessage>(schema: T, method: string, init: MessageInitShape<T>) {
    const res = await fetch(`${url}/waddlebot.workflow.v1.${method}`, {
      method: "POST",
      headers: { "content-type": "application/json", "x-api-key": adminKey },
      body: JSON.stringify(toJson(schema, create(schema, init))),
    });
    const body = (await res.json()) as Record<string, unknown>;
    assert.equal(res.status, 200, `${method}: ${JSON.stringify(body)}`);
    return body;
  }

  async function healthy(when: string) {
    assert.equal(service.child.exitCode, null, `the service exited ${when}: ${service.stderr()}`);
    const res = await fetch(`${url}/health`);
    assert.equal(res.status, 200, `/health ${when}`);
    await res.arrayBuffer();
  }

  /** Requests go in batches of `concurrency`, answered concurrently (the service is shared). */
  async function run(protocol: Protocol, arbitrary: fc.Arbitrary<WireRequest>, offset: number) {
    let sent = 0;
    await fc
      .assert(
        fc.asyncProperty(
          fc.array(arbitrary, { minLength: concurrency, maxLength: concurrency }),
          async (batch) => {
            const requests = batch.map((generated) => uniqueId(generated, sent++));
            const answers = await Promise.all(requests.map((req) => send(url, grpc, req)));
            grpc.renew();
            if (sent % healthEvery < concurrency)
              await healthy(`after ${sent} ${protocol} requests`);
            for (const [i, req] of requests.entries()) {
              const answer = answers[i] as Answer;
              if (isFiveHundred(req, answer) && answer.requestId)
                fiveHundreds.push(answer.requestId);
              const problem = problemOf(req, answer);
              if (problem !== null) {
                throw new Error(
                  `${protocol} ${req.method} ${shorten(req.path)}: ${shorten(problem)}`,
                );
              }
            }
          },
        ),
        { seed: seed + offset, numRuns: Math.ceil(perProtocol / concurrency) },
      )
      .catch((error: unknown) => {
        const report = error instanceof Error ? error.message : String(error);
        const cause =
          error instanceof Error && error.cause instanceof Error ? error.cause.message : "";
        throw new Error(`${shorten(report)}\n${cause}`);
      });
    await healthy(`after the ${protocol} run`);
  }

  /** Sequential ids (`fuzz-<protocol>-<n>`) where the generator chose a well-formed one. */
  function uniqueId(req: WireRequest, n: number): WireRequest {
    if (req.requestId === null) return req;
    const requestId = `fuzz-${req.protocol}-${seed}-${n}`;
    return { ...req, requestId, headers: { ...req.headers, "x-request-id": requestId } };
  }

  it("REST: every route of the route table", async () => {
    const ctx: FuzzContext = { pool, adminKey, maxRequestBytes };
    baselineRss = await rssOf(service);
    await run("rest", restRequest(restTargets(), ctx), 0);
  });

  for (const [index, protocol] of (["connect-json", "grpc-web", "grpc"] as const).entries()) {
    it(`${protocol}: every RPC of every generated service`, async () => {
      const ctx: FuzzContext = { pool, adminKey, maxRequestBytes };
      await run(protocol, rpcRequest(protocol, await rpcTargets(), ctx), index + 1);
    });
  }

  it("logged each 5xx answer once, with its request id", () => {
    for (const id of fiveHundreds) {
      const lines = service.lines.filter((line) => line.request_id === id && line.level !== "info");
      assert.equal(lines.length, 1, `request ${id}: ${JSON.stringify(lines)}`);
    }
    assert.ok(!service.stderr().includes("handler for rpc"), service.stderr());
  });

  it("returned near its memory baseline", async () => {
    const after = await rssOf(service);
    console.log(`service RSS: ${mib(baselineRss)} MiB before the run, ${mib(after)} MiB after`);
    assert.ok(
      after < baselineRss + rssSlackBytes,
      `RSS ${mib(after)} MiB, baseline ${mib(baselineRss)} MiB`,
    );
  });
});

async function rssOf(service: ServiceProcess): Promise<number> {
  const status = await readFile(`/proc/${service.child.pid}/status`, "utf8");
  const kib = Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1]);
  assert.ok(Number.isFinite(kib), "VmRSS of the service process");
  return kib * 1024;
}

/** Counterexamples hold bodies of megabytes: the start and the end of a report are enough. */
function shorten(text: string, keep = 1_500): string {
  return text.length <= 2 * keep ? text : `${text.slice(0, keep)} … ${text.slice(-keep)}`;
}

function mib(bytes: number): string {
  return (bytes / 1024 / 1024).toFixed(1);
}
