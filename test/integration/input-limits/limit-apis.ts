import { ApiKeyService } from "../../../src/gen/waddlebot/workflow/v1/api_key_service_pb.js";
import { PermissionService } from "../../../src/gen/waddlebot/workflow/v1/permission_service_pb.js";
import { createWorkflow } from "../rest/create-workflow.js";
import { greeterWorkflow } from "../rest/fixtures.js";
import { type BothApis, startBothApis } from "../same-rules/both-apis.js";
import { GrpcJsClient } from "../server/grpc-js-client.js";

export const community = 123;

/**
 * One service called as an admin over every protocol it speaks (REST, Connect JSON, gRPC-Web
 * binary, grpc-js), with a published greeter workflow in `community`.
 */
export interface LimitApis extends BothApis {
  readonly grpcJs: GrpcJsClient;
  readonly keys: ReturnType<typeof connectKeys>;
  readonly permissions: ReturnType<typeof connectPermissions>;
  readonly workflowId: string;
  /** Connect JSON as plain HTTP/1.1 (fetch): for JSON no protobuf client would send. */
  connectJson(method: string, body: string): Promise<{ status: number; body: ConnectJsonError }>;
  close(): Promise<void>;
}

export interface ConnectJsonError {
  code?: string;
  details?: { type: string; debug: { reason: string; fieldViolations?: { field: string }[] } }[];
}

function connectKeys(apis: BothApis) {
  return apis.svc.connect(ApiKeyService, "connect-h1", apis.svc.adminKey);
}

function connectPermissions(apis: BothApis) {
  return apis.svc.connect(PermissionService, "grpc-web", apis.svc.adminKey);
}

export async function startLimitApis(): Promise<LimitApis> {
  const apis = await startBothApis();
  const grpcJs = new GrpcJsClient(`127.0.0.1:${apis.svc.port}`);
  apis.svc.onStop(() => grpcJs.close());
  const workflowId = await createWorkflow(apis.rest, greeterWorkflow(community), {
    publish: true,
  });
  return {
    ...apis,
    grpcJs,
    keys: connectKeys(apis),
    permissions: connectPermissions(apis),
    workflowId,
    async connectJson(method, body) {
      const res = await fetch(`${apis.svc.url}/waddlebot.workflow.v1.${method}`, {
        method: "POST",
        headers: { "content-type": "application/json", "x-api-key": apis.svc.adminKey },
        body,
      });
      return { status: res.status, body: (await res.json()) as ConnectJsonError };
    },
    close: () => apis.svc.close(),
  };
}

/** The field violations of a Connect JSON error body's ErrorInfo. */
export function connectJsonFields(body: ConnectJsonError): string[] {
  const info = body.details?.find((d) => d.type === "waddlebot.workflow.v1.ErrorInfo");
  return (info?.debug.fieldViolations ?? []).map((v) => v.field);
}

/** JSON text of an object nested `depth` levels deep (`{"a":{"a":1}}` is 2), built without recursion. */
export function nestedJson(depth: number): string {
  return `${'{"a":'.repeat(depth)}1${"}".repeat(depth)}`;
}

/** The value `nestedJson(depth)` denotes. */
export function nestedValue(depth: number): { a: unknown } {
  let value: unknown = 1;
  for (let i = 0; i < depth; i++) value = { a: value };
  return value as { a: unknown };
}

/** The greeter workflow's REST JSON with `extra` fields, as text (so raw JSON can be spliced in). */
export function greeterWith(extra: Record<string, string>): string {
  const base = JSON.stringify(greeterWorkflow(community));
  const fields = Object.entries(extra).map(([key, json]) => `${JSON.stringify(key)}:${json}`);
  return `${base.slice(0, -1)},${fields.join(",")}}`;
}
