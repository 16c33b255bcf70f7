/**
 * Whole requests for each protocol: a target (derived, targets.ts), a body that is garbage,
 * malformed, oversize, nested too deep, invalid UTF-8, a message of hostile values or a
 * pathological graph, and headers that are usually right (the admin key) and sometimes not.
 */
import { create, fromJson, type JsonValue, toBinary, toJson } from "@bufbuild/protobuf";
import fc from "fast-check";
import { CreateWorkflowRequestSchema } from "../../../src/gen/waddlebot/workflow/v1/workflow_service_pb.js";
import { toCreateRequest, toRestBody } from "../../support/workflow-fixtures.js";
import { graphSpec } from "./graphs.js";
import { type FuzzJson, jsonText, nestedText, Raw } from "./json-text.js";
import type { RestTarget, RpcTarget } from "./targets.js";
import {
  type IdPool,
  messageJson,
  nastyJson,
  nastyNumber,
  nastyObject,
  nastyString,
} from "./values.js";

export type Protocol = "rest" | "connect-json" | "grpc-web" | "grpc";

export interface WireRequest {
  protocol: Protocol;
  method: string;
  path: string;
  headers: Record<string, string>;
  body: Uint8Array | null;
  /** A server-streaming RPC: the answer is read up to its first message. */
  streaming: boolean;
  /** A frame was flagged compressed without an encoding: INTERNAL is the prescribed answer. */
  compressedFlag: boolean;
  /** A timeout header was sent: DEADLINE_EXCEEDED is then the client's own doing. */
  timeout: boolean;
  /** The request id sent, when one was. */
  requestId: string | null;
}

export interface FuzzContext {
  pool: IdPool;
  adminKey: string;
  maxRequestBytes: number;
}

const encoder = new TextEncoder();
const utf8 = (text: string) => encoder.encode(text);

/** Bytes that are not UTF-8 (a lone continuation byte, an overlong form, an encoded surrogate). */
const invalidUtf8 = [0xff, 0xfe, 0xc3, 0x28, 0xc0, 0xaf, 0xed, 0xa0, 0x80, 0x80];

function withInvalidUtf8(json: string): Uint8Array {
  const at = Math.max(json.indexOf('"') + 1, 0);
  return Uint8Array.from([...utf8(json.slice(0, at)), ...invalidUtf8, ...utf8(json.slice(at))]);
}

function oversize(ctx: FuzzContext, extra: number): Uint8Array {
  const bytes = new Uint8Array(ctx.maxRequestBytes + extra).fill(0x20);
  bytes.set(utf8('{"a":"'), 0);
  return bytes;
}

/** A JSON text for a message, and its mutations. */
function jsonBody(message: fc.Arbitrary<FuzzJson>, ctx: FuzzContext): fc.Arbitrary<Uint8Array> {
  return fc.oneof(
    { weight: 8, arbitrary: message.map((m) => utf8(jsonText(m))) },
    fc.tuple(message, fc.nat()).map(([m, n]) => {
      const text = jsonText(m);
      return utf8(text.slice(0, text.length === 0 ? 0 : n % text.length));
    }),
    message.map((m) => withInvalidUtf8(jsonText(m))),
    fc
      .constantFrom(
        "",
        "null",
        "[]",
        "42",
        '"text"',
        "{",
        '{"a":1,}',
        "{'a':1}",
        '{"a":1}{"b":2}',
        '{"__proto__":{"polluted":true}}',
        '{"a":1,"a":2}',
        nestedText(200_000, "array"),
        nestedText(20_000, "object"),
      )
      .map(utf8),
    fc.uint8Array({ maxLength: 64 }),
    fc.constantFrom(1, 64 * 1024).map((extra) => oversize(ctx, extra)),
  );
}

/** A pathological graph as a CreateWorkflow message, JSON or binary. */
const graphMessage = graphSpec.map((spec) =>
  create(CreateWorkflowRequestSchema, toCreateRequest(spec)),
);

function binaryBody(target: RpcTarget, ctx: FuzzContext): fc.Arbitrary<Uint8Array> {
  const input = target.method.input;
  const fromMessage = messageJson(input, ctx.pool).map((json) => {
    try {
      const parsed = JSON.parse(jsonText(json)) as JsonValue;
      return toBinary(input, fromJson(input, parsed, { ignoreUnknownFields: true }));
    } catch {
      return new Uint8Array([0x0a, 0x05, 0x61]);
    }
  });
  const options = [
    { weight: 6, arbitrary: fromMessage },
    {
      weight: 1,
      arbitrary: fc.tuple(fromMessage, fc.nat()).map(([b, n]) => b.subarray(0, n % (b.length + 1))),
    },
    {
      weight: 1,
      arbitrary: fc
        .tuple(fromMessage, fc.uint8Array({ minLength: 1, maxLength: 8 }))
        .map(([b, g]) => Uint8Array.from([...b, ...g])),
    },
    { weight: 2, arbitrary: fc.uint8Array({ maxLength: 128 }) },
    { weight: 1, arbitrary: fc.constant(new Uint8Array(ctx.maxRequestBytes + 1)) },
  ];
  if (input.typeName === CreateWorkflowRequestSchema.typeName) {
    options.push({
      weight: 2,
      arbitrary: graphMessage.map((m) => toBinary(CreateWorkflowRequestSchema, m)),
    });
  }
  return fc.oneof(...options);
}

/** Length-prefixed frames: usually one exact frame, sometimes lying about length or flags. */
function framed(payload: fc.Arbitrary<Uint8Array>) {
  return fc
    .tuple(
      payload,
      fc.oneof({ weight: 12, arbitrary: fc.constant(0) }, fc.constantFrom(1, 2, 0x80, 0x81, 0xff)),
      fc.oneof(
        { weight: 10, arbitrary: fc.constant("exact") },
        fc.constantFrom("short", "long", "two", "empty"),
      ),
    )
    .map(([data, flags, shape]) => {
      const frame = (bytes: Uint8Array, declared = bytes.length) => {
        const out = new Uint8Array(5 + bytes.length);
        out[0] = flags;
        new DataView(out.buffer).setUint32(1, declared);
        out.set(bytes, 5);
        return out;
      };
      const body =
        shape === "empty"
          ? new Uint8Array()
          : shape === "short"
            ? frame(data, data.length + 10)
            : shape === "long"
              ? frame(data, Math.max(data.length - 1, 0))
              : shape === "two"
                ? Uint8Array.from([...frame(data), ...frame(data)])
                : frame(data);
      return { body, compressedFlag: (flags & 1) === 1 && shape !== "empty" };
    });
}

function commonHeaders(ctx: FuzzContext, protocol: Protocol) {
  const requestId = fc.oneof(
    { weight: 8, arbitrary: fc.nat().map((n) => `fuzz-${protocol}-${n}`) },
    fc.constantFrom("", "has space", long(300), "-x"),
  );
  const apiKey = fc.oneof(
    { weight: 12, arbitrary: fc.constant<string | null>(ctx.adminKey) },
    fc.constantFrom<string | null>(null, "", "wrong", long(600)),
  );
  return fc.record({ requestId, apiKey });
}

function long(n: number) {
  return "k".repeat(n);
}

function headersOf(h: { requestId: string; apiKey: string | null }, extra: Record<string, string>) {
  const headers: Record<string, string> = { ...extra };
  if (h.requestId !== "") headers["x-request-id"] = h.requestId;
  if (h.apiKey !== null) headers["x-api-key"] = h.apiKey;
  return headers;
}

const timeoutHeader = (name: string, values: string[]) =>
  fc.oneof(
    { weight: 12, arbitrary: fc.constant<Record<string, string>>({}) },
    fc.constantFrom(...values).map((v) => ({ [name]: v })),
  );

export function rpcRequest(
  protocol: Exclude<Protocol, "rest">,
  targets: RpcTarget[],
  ctx: FuzzContext,
): fc.Arbitrary<WireRequest> {
  return fc.constantFrom(...targets).chain((target) => {
    const streaming = target.method.methodKind === "server_streaming";
    const json = jsonBody(
      target.method.input.typeName === CreateWorkflowRequestSchema.typeName
        ? fc.oneof(
            messageJson(target.method.input, ctx.pool),
            graphMessage.map((m) => toJson(CreateWorkflowRequestSchema, m) as FuzzJson),
          )
        : messageJson(target.method.input, ctx.pool),
      ctx,
    );
    const timeouts =
      protocol === "connect-json"
        ? timeoutHeader("connect-timeout-ms", ["0", "-1", "abc", "1", "99999999999"])
        : timeoutHeader("grpc-timeout", ["1n", "abc", "0S", "99999999H", "1u"]);
    const body: fc.Arbitrary<{ body: Uint8Array; compressedFlag: boolean }> =
      protocol === "connect-json"
        ? streaming
          ? framed(json)
          : json.map((b) => ({ body: b, compressedFlag: false }))
        : framed(binaryBody(target, ctx));
    const contentType =
      protocol === "connect-json"
        ? streaming
          ? "application/connect+json"
          : "application/json"
        : protocol === "grpc-web"
          ? "application/grpc-web+proto"
          : "application/grpc+proto";
    return fc.tuple(body, commonHeaders(ctx, protocol), timeouts).map(([b, h, timeout]) => ({
      protocol,
      method: "POST",
      path: target.path,
      headers: headersOf(h, { "content-type": contentType, ...timeout }),
      body: b.body,
      streaming,
      compressedFlag: b.compressedFlag,
      timeout: Object.keys(timeout).length > 0,
      requestId: h.requestId.startsWith("fuzz-") ? h.requestId : null,
    }));
  });
}

const queryNames = [
  "community_id",
  "entity_id",
  "status",
  "page",
  "per_page",
  "search",
  "include_node_runs",
  "version",
  "x",
];

const queryValue: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(
    "1",
    "0",
    "-1",
    "abc",
    "1e400",
    "99999999999999999999",
    "true",
    "draft",
    "%",
    "\u0000",
  ),
  nastyString,
);

function restPath(pattern: string, ctx: FuzzContext): fc.Arbitrary<string> {
  const segments = pattern.split("/").map((segment) =>
    segment.startsWith(":")
      ? fc.oneof(
          {
            weight: 3,
            arbitrary: ctx.pool.ids.length > 0 ? fc.constantFrom(...ctx.pool.ids) : nastyString,
          },
          nastyString.map(encodePathSegment),
          fc.constantFrom("%zz", "%00", "%C0%AF", ".", "..", "a%2Fb"),
        )
      : fc.constant(segment),
  );
  const query = fc
    .dictionary(fc.constantFrom(...queryNames), queryValue, { maxKeys: 4 })
    .map((q) => {
      const params = new URLSearchParams(q).toString();
      return params === "" ? "" : `?${params}`;
    });
  return fc.tuple(fc.tuple(...segments), query).map(([parts, q]) => `${parts.join("/")}${q}`);
}

/** encodeURIComponent, except that a lone surrogate goes as the bytes of its UTF-16 unit. */
function encodePathSegment(text: string): string {
  try {
    return encodeURIComponent(text);
  } catch {
    return "%ED%A0%80";
  }
}

export function restRequest(targets: RestTarget[], ctx: FuzzContext): fc.Arbitrary<WireRequest> {
  const bodyJson = fc.oneof(
    { weight: 3, arbitrary: nastyObject },
    graphSpec.map((spec) => toRestBody(spec) as FuzzJson),
    fc.record({ community_id: nastyNumber, variables: nastyObject }),
    fc.record({ community_id: fc.constant(1), variables: nastyJson, trigger_data: nastyJson }),
    fc.record({
      name: nastyString,
      metadata: nastyObject,
      nodes: fc.array(nastyObject, { maxLength: 3 }),
    }),
    fc.constant(new Raw(`{"community_id":1e400}`)),
  );
  return fc.constantFrom(...targets).chain((target) =>
    fc
      .tuple(
        restPath(target.pattern, ctx),
        fc.oneof(
          { weight: 12, arbitrary: fc.constant(target.method) },
          fc.constantFrom("GET", "POST", "PUT", "DELETE", "PATCH"),
        ),
        jsonBody(bodyJson, ctx),
        commonHeaders(ctx, "rest"),
        fc.oneof(
          { weight: 10, arbitrary: fc.constant("application/json") },
          fc.constantFrom("text/plain", "application/json; charset=latin1", ""),
        ),
      )
      .map(([path, method, body, h, contentType]) => ({
        protocol: "rest" as const,
        method,
        path,
        headers: headersOf(h, contentType === "" ? {} : { "content-type": contentType }),
        body: method === "GET" || method === "DELETE" ? null : body,
        streaming: false,
        compressedFlag: false,
        timeout: false,
        requestId: h.requestId.startsWith("fuzz-") ? h.requestId : null,
      })),
  );
}
