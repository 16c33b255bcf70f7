import assert from "node:assert/strict";
import { type Code, ConnectError } from "@connectrpc/connect";
import { ErrorInfoSchema } from "../../../src/gen/waddlebot/workflow/v1/errors_pb.js";
import { errorInfoOf, type grpc, isServiceError } from "./grpc-js-client.js";

export const errorDomain = "workflow.waddlebot";

/** Awaits a Connect/gRPC-Web call that must fail with `code` and an ErrorInfo `reason`. */
export async function expectConnectError(
  call: Promise<unknown>,
  code: Code,
  reason: string,
): Promise<ConnectError> {
  const error = await call.then(
    () => assert.fail(`expected ${reason}, but the call succeeded`),
    (e: unknown) => ConnectError.from(e),
  );
  assert.equal(error.code, code, `code of "${error.message}"`);
  const [info, ...more] = error.findDetails(ErrorInfoSchema);
  assert.ok(info, `no ErrorInfo on "${error.message}"`);
  assert.equal(more.length, 0, "exactly one ErrorInfo");
  assert.equal(info.reason, reason);
  assert.equal(info.domain, errorDomain);
  return error;
}

/** Awaits a grpc-js call that must fail with `status` and an ErrorInfo `reason`. */
export async function expectGrpcJsError(
  call: Promise<unknown>,
  status: grpc.status,
  reason: string,
): Promise<grpc.ServiceError> {
  const error = await call.then(
    () => assert.fail(`expected ${reason}, but the call succeeded`),
    (e: unknown) => e,
  );
  assert.ok(isServiceError(error), `not a grpc-js ServiceError: ${String(error)}`);
  assert.equal(error.code, status, `status of "${error.details}"`);
  const info = errorInfoOf(error);
  assert.ok(info, `no ErrorInfo in grpc-status-details-bin of "${error.details}"`);
  assert.equal(info.reason, reason);
  assert.equal(info.domain, errorDomain);
  return error;
}

export interface JsonReply {
  status: number;
  headers: Headers;
  // biome-ignore lint/suspicious/noExplicitAny: asserted field by field
  body: any;
}

/** A plain HTTP/1.1 POST (fetch), as curl would send it. */
export async function post(
  url: string,
  body: string | Uint8Array,
  headers: Record<string, string> = {},
): Promise<JsonReply> {
  const res = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body,
  });
  const text = await res.text();
  return { status: res.status, headers: res.headers, body: text === "" ? null : JSON.parse(text) };
}

/** Asserts a Connect JSON error body: code, message and one ErrorInfo with `reason`. */
export function assertJsonError(reply: JsonReply, status: number, code: string, reason: string) {
  assert.equal(reply.status, status, JSON.stringify(reply.body));
  assert.match(reply.headers.get("content-type") ?? "", /^application\/json/);
  assert.equal(reply.body.code, code);
  assert.equal(typeof reply.body.message, "string");
  const infos = (reply.body.details ?? []).filter(
    (d: { type: string }) => d.type === ErrorInfoSchema.typeName,
  );
  assert.equal(infos.length, 1, JSON.stringify(reply.body));
  assert.equal(infos[0].debug.reason, reason);
  assert.equal(infos[0].debug.domain, errorDomain);
}
