/**
 * What the execution API tests share: the service (harness) with fake router, browser-source
 * and webhook servers; API keys for chosen principals; one `ExecutionApi` over every client
 * (grpc-js, Connect over HTTP/1.1 and HTTP/2, gRPC-Web over HTTP/1.1 and HTTP/2); error
 * assertions that work for all of them; polling helpers.
 */
import assert from "node:assert/strict";
import { request as httpRequest } from "node:http";
import type { DescMessage, JsonObject, JsonValue, MessageInitShape } from "@bufbuild/protobuf";
import { toJson } from "@bufbuild/protobuf";
import { type Value, ValueSchema } from "@bufbuild/protobuf/wkt";
import { type Client, type Code, ConnectError } from "@connectrpc/connect";
import type { RawEnv } from "../../../src/config.js";
import { ApiKeyService } from "../../../src/gen/waddlebot/workflow/v1/api_key_service_pb.js";
import { ErrorInfoSchema } from "../../../src/gen/waddlebot/workflow/v1/errors_pb.js";
import {
  type Execution,
  type ExecutionEvent,
  ExecutionStatus,
} from "../../../src/gen/waddlebot/workflow/v1/execution_pb.js";
import {
  type CancelExecutionRequestSchema,
  type ExecuteWorkflowRequestSchema,
  ExecutionService,
  type GetExecutionRequestSchema,
  type ListExecutionsRequestSchema,
  type ListExecutionsResponse,
  type TestWorkflowRequestSchema,
  type TestWorkflowResponse,
  type WatchExecutionRequestSchema,
} from "../../../src/gen/waddlebot/workflow/v1/execution_service_pb.js";
import {
  type Permission,
  PermissionService,
  TargetType,
} from "../../../src/gen/waddlebot/workflow/v1/permission_service_pb.js";
import { WorkflowService } from "../../../src/gen/waddlebot/workflow/v1/workflow_service_pb.js";
import {
  type ConnectProtocol,
  startTestService,
  type TestService,
} from "../../support/server-harness.js";
import { toCreateRequest, type WorkflowSpec } from "../../support/workflow-fixtures.js";
import { errorInfoOf, GrpcJsClient, isServiceError } from "../server/grpc-js-client.js";
import { FakeService, routerAnswer } from "./fake-services.js";

export type ClientKind = "grpc-js" | ConnectProtocol;
export const allClientKinds: readonly ClientKind[] = [
  "grpc-js",
  "connect-h1",
  "connect-h2",
  "grpc-web",
  "grpc-web-h2",
];

type Req<S extends DescMessage> = MessageInitShape<S>;

/** The ExecutionService the same way over every client. */
export interface ExecutionApi {
  readonly kind: ClientKind;
  execute(req: Req<typeof ExecuteWorkflowRequestSchema>): Promise<Execution>;
  get(req: Req<typeof GetExecutionRequestSchema>): Promise<Execution>;
  cancel(req: Req<typeof CancelExecutionRequestSchema>): Promise<Execution>;
  list(req: Req<typeof ListExecutionsRequestSchema>): Promise<ListExecutionsResponse>;
  test(req: Req<typeof TestWorkflowRequestSchema>): Promise<TestWorkflowResponse>;
  watch(
    req: Req<typeof WatchExecutionRequestSchema>,
    signal?: AbortSignal,
  ): AsyncIterable<ExecutionEvent>;
}

export const communityA = 101;
export const communityB = 202;
export const ownerUserId = "owner-1";

export interface ExecEnv {
  readonly svc: TestService;
  readonly router: FakeService;
  readonly browser: FakeService;
  readonly hooks: FakeService;
  /** A non-admin owner, member of communityA: creates the workflows the tests run. */
  readonly ownerKey: string;
  api(kind: ClientKind, apiKey?: string): ExecutionApi;
  workflows(apiKey?: string): Client<typeof WorkflowService>;
  permissions(apiKey?: string): Client<typeof PermissionService>;
  keyFor(principal: { userId: string; roles?: string[]; communityIds?: number[] }): Promise<string>;
  /** Creates (as `apiKey`, the owner by default) and publishes; returns the workflow id. */
  publish(spec: WorkflowSpec, apiKey?: string): Promise<string>;
  /** Creates a draft; returns the workflow id. */
  draft(spec: WorkflowSpec, apiKey?: string): Promise<string>;
  grant(
    workflowId: string,
    target: { type: TargetType; id: string },
    permissions: Permission[],
  ): Promise<void>;
  close(): Promise<void>;
}

export const routerScore = 42;

/**
 * The service with fake router/browser-source/webhook servers on 127.0.0.1 (webhooks to
 * 127.0.0.1 are opened with OUTBOUND_ALLOW_HOSTS), a fast runner poll, and an owner key.
 */
export async function startExecEnv(env: RawEnv = {}): Promise<ExecEnv> {
  const router = await FakeService.start(routerAnswer(routerScore));
  const browser = await FakeService.start(() => ({ body: { updated: true } }));
  // `/status/<code>` answers that status; anything else 200 with the path it was sent to.
  const hooks = await FakeService.start((r) => {
    const status = /^\/status\/(\d{3})/.exec(r.path)?.[1];
    return status === undefined
      ? { body: { received: true, path: r.path } }
      : { status: Number(status), body: { failed: true } };
  });
  const svc = await startTestService({
    env: {
      ROUTER_URL: router.url,
      BROWSER_SOURCE_URL: browser.url,
      OUTBOUND_ALLOW_HOSTS: "127.0.0.1",
      RUNNER_POLL_MS: "100",
      WATCH_POLL_MS: "200",
      ...env,
    },
  });
  const grpcJs = new GrpcJsClient(`127.0.0.1:${svc.port}`);
  svc.onStop(() => grpcJs.close());
  const admin = svc.connect(ApiKeyService, "connect-h1", svc.adminKey);
  const keyFor: ExecEnv["keyFor"] = async (principal) => {
    const created = await admin.createApiKey({
      name: `key for ${principal.userId}`,
      principal: {
        userId: principal.userId,
        roles: principal.roles ?? [],
        communityIds: (principal.communityIds ?? []).map(BigInt),
        admin: false,
      },
    });
    return created.secret;
  };
  const ownerKey = await keyFor({ userId: ownerUserId, communityIds: [communityA] });
  const workflows = (apiKey = ownerKey) => svc.connect(WorkflowService, "connect-h1", apiKey);
  const permissions = (apiKey = ownerKey) => svc.connect(PermissionService, "connect-h1", apiKey);
  const draft = async (spec: WorkflowSpec, apiKey = ownerKey) => {
    const { workflow } = await workflows(apiKey).createWorkflow(toCreateRequest(spec));
    assert.ok(workflow);
    return workflow.workflowId;
  };
  return {
    svc,
    router,
    browser,
    hooks,
    ownerKey,
    api: (kind, apiKey = ownerKey) => executionApi(svc, grpcJs, kind, apiKey),
    workflows,
    permissions,
    keyFor,
    draft,
    async publish(spec, apiKey = ownerKey) {
      const workflowId = await draft(spec, apiKey);
      await workflows(apiKey).publishWorkflow({ workflowId });
      return workflowId;
    },
    async grant(workflowId, target, flags) {
      await permissions().grantPermission({
        workflowId,
        targetType: target.type,
        targetId: target.id,
        permissions: flags,
      });
    },
    async close() {
      await svc.close();
      await Promise.all([router.close(), browser.close(), hooks.close()]);
    },
  };
}

export function executionApi(
  svc: TestService,
  grpcJs: GrpcJsClient,
  kind: ClientKind,
  apiKey: string,
): ExecutionApi {
  if (kind === "grpc-js") {
    const m = ExecutionService.method;
    return {
      kind,
      execute: async (req) => need((await grpcJs.unary(m.executeWorkflow, req, apiKey)).execution),
      get: async (req) => need((await grpcJs.unary(m.getExecution, req, apiKey)).execution),
      cancel: async (req) => need((await grpcJs.unary(m.cancelExecution, req, apiKey)).execution),
      list: (req) => grpcJs.unary(m.listExecutions, req, apiKey),
      test: (req) => grpcJs.unary(m.testWorkflow, req, apiKey),
      async *watch(req, signal) {
        const call = grpcJs.serverStream(m.watchExecution, req, apiKey);
        const onAbort = () => call.cancel();
        signal?.addEventListener("abort", onAbort, { once: true });
        try {
          for await (const message of call) yield need(message.event);
        } finally {
          signal?.removeEventListener("abort", onAbort);
          call.cancel();
        }
      },
    };
  }
  const client = svc.connect(ExecutionService, kind, apiKey);
  return {
    kind,
    execute: async (req) => need((await client.executeWorkflow(req)).execution),
    get: async (req) => need((await client.getExecution(req)).execution),
    cancel: async (req) => need((await client.cancelExecution(req)).execution),
    list: (req) => client.listExecutions(req),
    test: (req) => client.testWorkflow(req),
    async *watch(req, signal) {
      for await (const message of client.watchExecution(req, signal ? { signal } : {})) {
        yield need(message.event);
      }
    },
  };
}

function need<T>(value: T | undefined): T {
  assert.ok(value !== undefined, "the response lacks its message");
  return value;
}

/** The code and ErrorInfo of a failed call, whichever client made it. */
export function rpcErrorOf(error: unknown): { code: number; reason: string; message: string } {
  // A ConnectError also has `code` and `metadata`, so it is told apart first.
  if (!(error instanceof ConnectError) && isServiceError(error)) {
    const info = errorInfoOf(error);
    assert.ok(info, `no ErrorInfo in grpc-status-details-bin of "${error.details}"`);
    assert.equal(info.domain, "workflow.waddlebot");
    return { code: error.code, reason: info.reason, message: error.details };
  }
  const connectError = ConnectError.from(error);
  const [info, ...more] = connectError.findDetails(ErrorInfoSchema);
  assert.ok(info, `no ErrorInfo on "${connectError.message}"`);
  assert.equal(more.length, 0, "exactly one ErrorInfo");
  assert.equal(info.domain, "workflow.waddlebot");
  return { code: connectError.code, reason: info.reason, message: connectError.rawMessage };
}

/**
 * Awaits a call that must fail with `code` (gRPC and Connect codes are the same numbers) and
 * ErrorInfo `reason`.
 */
export async function expectRpcError(
  call: Promise<unknown> | (() => Promise<unknown>),
  code: Code,
  reason: string,
  what = "",
): Promise<{ code: number; reason: string; message: string }> {
  const promise = typeof call === "function" ? call() : call;
  const error = await promise.then(
    () => assert.fail(`${what}: expected ${reason}, but the call succeeded`),
    (e: unknown) => e,
  );
  if (error instanceof assert.AssertionError) throw error;
  const got = rpcErrorOf(error);
  assert.equal(got.code, code, `${what}: code of "${got.message}" (${got.reason})`);
  assert.equal(got.reason, reason, `${what}: reason of "${got.message}"`);
  return got;
}

/** Drains a watch into a list (a stream that fails rejects). */
export async function collect<T>(stream: AsyncIterable<T>): Promise<T[]> {
  const items: T[] = [];
  for await (const item of stream) items.push(item);
  return items;
}

export const terminalStatuses: readonly ExecutionStatus[] = [
  ExecutionStatus.COMPLETED,
  ExecutionStatus.FAILED,
  ExecutionStatus.CANCELLED,
];

export function isTerminal(status: ExecutionStatus): boolean {
  return terminalStatuses.includes(status);
}

/**
 * Polls GetExecution until `done` holds (by default: a terminal status); fails after `boundMs`
 * (a guard against hangs, not a speed check). Returns the full execution.
 */
export async function waitForExecution(
  api: ExecutionApi,
  executionId: string,
  done: (execution: Execution) => boolean = (e) => isTerminal(e.status),
  boundMs = 60_000,
): Promise<Execution> {
  const deadline = Date.now() + boundMs;
  for (;;) {
    const execution = await api.get({ executionId });
    if (done(execution)) return execution;
    if (Date.now() > deadline) {
      assert.fail(
        `execution ${executionId} did not reach the expected state within ${boundMs} ms ` +
          `(status ${ExecutionStatus[execution.status]}, ${execution.nodeRuns.length} node runs)`,
      );
    }
    await sleep(50);
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** A protobuf Value (absent = null) as plain JSON. */
export function json(value: Value | undefined): JsonValue {
  return value === undefined ? null : (toJson(ValueSchema, value) as JsonValue);
}

/** Plain JSON with bigints as strings (for messages in assertion output). */
export function show(value: unknown): string {
  return JSON.stringify(value, (_k, v) => (typeof v === "bigint" ? String(v) : v));
}

export interface RestReply {
  status: number;
  // biome-ignore lint/suspicious/noExplicitAny: asserted field by field
  body: any;
}

/** One REST call over HTTP/1.1 without connection reuse. */
export function rest(
  baseUrl: string,
  apiKey: string,
  method: string,
  path: string,
  body?: JsonObject,
): Promise<RestReply> {
  const url = new URL(path, baseUrl);
  const payload = body === undefined ? undefined : JSON.stringify(body);
  const headers: Record<string, string> = { "x-api-key": apiKey };
  if (payload !== undefined) {
    headers["content-type"] = "application/json";
    headers["content-length"] = String(Buffer.byteLength(payload));
  }
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      {
        host: url.hostname,
        port: url.port,
        method,
        path: `${url.pathname}${url.search}`,
        headers,
        agent: false,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (chunk: Buffer) => chunks.push(chunk));
        res.on("end", () => {
          const text = Buffer.concat(chunks).toString();
          resolve({ status: res.statusCode ?? 0, body: text === "" ? null : JSON.parse(text) });
        });
        res.on("error", reject);
      },
    );
    req.on("error", reject);
    if (payload !== undefined) req.write(payload);
    req.end();
  });
}

export { ExecutionStatus, TargetType };
