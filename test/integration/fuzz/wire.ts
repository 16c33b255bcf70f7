/**
 * Sends a fuzz request over its protocol and reads the answer as a status: REST and Connect
 * through fetch (HTTP/1.1), gRPC-Web through fetch with binary frames, gRPC over one h2c
 * session. Server streams are read up to their first message, then abandoned.
 */
import http2 from "node:http2";
import { Code, ConnectError } from "@connectrpc/connect";
import { endStreamFromJson, errorFromJsonBytes } from "@connectrpc/connect/protocol-connect";
import { findTrailerError } from "@connectrpc/connect/protocol-grpc";
import { trailerParse } from "@connectrpc/connect/protocol-grpc-web";
import { ErrorInfoSchema } from "../../../src/gen/waddlebot/workflow/v1/errors_pb.js";
import type { WireRequest } from "./requests.js";

export interface Answer {
  /** HTTP status (REST, Connect unary), or 200 for gRPC and gRPC-Web. */
  httpStatus: number;
  /** REST: its JSON body. */
  restBody?: unknown;
  /** RPC: the error, or null for OK (or a stream that delivered its first message). */
  rpcError?: ConnectError | null;
  requestId: string | null;
}

const streamReadBound = 5_000;

export async function send(baseUrl: string, grpc: GrpcSession, req: WireRequest): Promise<Answer> {
  if (req.protocol === "grpc") return grpc.call(req);
  const res = await fetch(`${baseUrl}${req.path}`, {
    method: req.method,
    headers: req.headers,
    body: req.body,
    redirect: "manual",
  });
  const requestId = res.headers.get("x-request-id");
  const bytes = await readBody(res, req.streaming);
  if (req.protocol === "rest") {
    let body: unknown;
    try {
      body = JSON.parse(new TextDecoder().decode(bytes));
    } catch {
      body = undefined;
    }
    return { httpStatus: res.status, restBody: body, requestId };
  }
  if (req.protocol === "connect-json" && !req.streaming) {
    const rpcError =
      res.status === 200
        ? null
        : errorFromJsonBytes(
            bytes,
            undefined,
            new ConnectError(`HTTP ${res.status} without a Connect error`, Code.Unknown),
          );
    return { httpStatus: res.status, rpcError, requestId };
  }
  // Enveloped: Connect streaming (end-stream frame) or gRPC-Web (trailer frame, or headers).
  const headerError = findTrailerError(res.headers);
  if (headerError !== undefined)
    return { httpStatus: res.status, rpcError: headerError, requestId };
  const frames = framesOf(bytes);
  for (const frame of frames) {
    if (req.protocol === "grpc-web" && (frame.flags & 0x80) === 0x80) {
      return {
        httpStatus: res.status,
        rpcError: findTrailerError(trailerParse(frame.data)) ?? null,
        requestId,
      };
    }
    if (req.protocol === "connect-json" && (frame.flags & 0b10) === 0b10) {
      return {
        httpStatus: res.status,
        rpcError: endStreamFromJson(frame.data).error ?? null,
        requestId,
      };
    }
  }
  const delivered = frames.some((f) => f.flags === 0);
  const rpcError = delivered
    ? null
    : new ConnectError(`no status in a ${res.status} answer`, Code.Unknown);
  return { httpStatus: res.status, rpcError, requestId };
}

/** The whole body, or for a stream what arrived until the first complete message. */
async function readBody(res: Response, streaming: boolean): Promise<Uint8Array> {
  if (!streaming || res.body === null) return new Uint8Array(await res.arrayBuffer());
  const reader = res.body.getReader();
  let bytes = new Uint8Array();
  const deadline = setTimeout(() => void reader.cancel(), streamReadBound);
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      bytes = Uint8Array.from([...bytes, ...value]);
      if (framesOf(bytes).length > 0) break;
    }
  } catch {
    // Cancelled at the bound: judged on what arrived.
  } finally {
    clearTimeout(deadline);
    await reader.cancel().catch(() => undefined);
  }
  return bytes;
}

function framesOf(body: Uint8Array): { flags: number; data: Uint8Array }[] {
  const frames: { flags: number; data: Uint8Array }[] = [];
  let offset = 0;
  while (offset + 5 <= body.byteLength) {
    const length = new DataView(body.buffer, body.byteOffset + offset + 1, 4).getUint32(0);
    if (offset + 5 + length > body.byteLength) break;
    frames.push({ flags: body[offset] ?? 0, data: body.subarray(offset + 5, offset + 5 + length) });
    offset += 5 + length;
  }
  return frames;
}

/** One h2c session for every gRPC call, reopened when the server closes it. */
export class GrpcSession {
  private session: http2.ClientHttp2Session | null = null;
  private readonly goingAway = new WeakSet<http2.ClientHttp2Session>();

  constructor(private readonly url: string) {}

  /**
   * One call. A stream refused without an answer because the session was going away (an idle
   * GOAWAY racing the request) or refused it locally is retried once on a new session.
   */
  async call(req: WireRequest): Promise<Answer> {
    const first = await this.attempt(req);
    if (first !== null) return first;
    return (
      (await this.attempt(req)) ?? {
        httpStatus: 0,
        rpcError: new ConnectError("stream refused twice", Code.Unknown),
        requestId: null,
      }
    );
  }

  /** The answer, or null when the stream closed with no response at all on a closing session. */
  private attempt(req: WireRequest): Promise<Answer | null> {
    const session = this.open();
    return new Promise((resolve) => {
      let headers: http2.IncomingHttpHeaders = {};
      let trailers: http2.IncomingHttpHeaders = {};
      let gotMessage = false;
      const stream = session.request({
        ":method": "POST",
        ":path": req.path,
        te: "trailers",
        ...req.headers,
      });
      // Only a stream is abandoned (after its first message, or at the bound); a unary call
      // is awaited however loaded the machine is.
      const bound = req.streaming
        ? setTimeout(() => stream.close(http2.constants.NGHTTP2_CANCEL), streamReadBound)
        : undefined;
      stream.on("response", (h) => {
        headers = h;
      });
      stream.on("trailers", (t) => {
        trailers = t;
      });
      stream.on("data", () => {
        gotMessage = true;
        if (req.streaming) stream.close(http2.constants.NGHTTP2_CANCEL);
      });
      stream.on("error", () => undefined);
      stream.on("close", () => {
        clearTimeout(bound);
        // No answer at all: the session was going away, or this client's own session refused
        // the stream (ENHANCE_YOUR_CALM: a Node client counts the unsent rest of every upload
        // the server answered early, and past 10 MB it refuses new streams locally).
        const refusedLocally = stream.rstCode === http2.constants.NGHTTP2_ENHANCE_YOUR_CALM;
        if (
          headers[":status"] === undefined &&
          (refusedLocally || session.closed || session.destroyed || this.goingAway.has(session))
        ) {
          this.goingAway.add(session);
          resolve(null);
          return;
        }
        const status = new Headers();
        for (const [name, value] of Object.entries({ ...headers, ...trailers })) {
          if (!name.startsWith(":") && value !== undefined) status.set(name, String(value));
        }
        const error = findTrailerError(status);
        const closedEarly = status.get("grpc-status") === null;
        resolve({
          httpStatus: Number(headers[":status"] ?? 0),
          rpcError:
            error ??
            (closedEarly && !(req.streaming && gotMessage)
              ? new ConnectError(
                  `stream closed without a status (rst ${stream.rstCode})`,
                  Code.Unknown,
                )
              : null),
          requestId: status.get("x-request-id"),
        });
      });
      stream.end(req.body ?? undefined);
    });
  }

  close(): void {
    this.session?.close();
  }

  /**
   * Ends the session once its calls are done; the next call opens a new one. Called after each
   * batch, so that what one batch does to its connection (a Node client's session refuses new
   * streams after 10 MB of uploads the server answered early) never decides the next.
   */
  renew(): void {
    this.session?.close();
    this.session = null;
  }

  private open(): http2.ClientHttp2Session {
    if (this.session !== null && !this.session.closed && !this.session.destroyed)
      return this.session;
    const session = http2.connect(this.url);
    session.on("error", () => undefined);
    session.on("goaway", () => this.goingAway.add(session));
    this.session = session;
    return session;
  }
}

/** Codes Connect answers with a 5xx HTTP status. */
const serverCodes = new Set([
  Code.Internal,
  Code.Unknown,
  Code.DataLoss,
  Code.Unavailable,
  Code.Unimplemented,
  Code.DeadlineExceeded,
]);

/**
 * What is wrong with an answer, or null. A 5xx is wrong unless documented (docs/limits.md,
 * "Fuzzing"): INTERNAL for a frame flagged compressed without an encoding (gRPC's rule), and
 * DEADLINE_EXCEEDED when the request set a timeout. Every 4xx names what was wrong: an error
 * code (REST `error_code`, RPC ErrorInfo reason), and for a bad request the field
 * (`field_violations`).
 */
export function problemOf(req: WireRequest, answer: Answer): string | null {
  // Node's HTTP parser answers a head over 16 KiB (a 70,000-character query) itself.
  if (answer.httpStatus === 431) return null;
  if (answer.requestId === null || answer.requestId === "") {
    return `no x-request-id on the answer (HTTP ${answer.httpStatus}, ${answer.rpcError?.message ?? "no error"})`;
  }
  if (req.requestId !== null && answer.requestId !== req.requestId)
    return `request id ${answer.requestId}, sent ${req.requestId}`;
  if (req.protocol === "rest") return restProblem(answer);
  const error = answer.rpcError ?? null;
  if (
    req.protocol === "connect-json" &&
    !req.streaming &&
    answer.httpStatus >= 500 &&
    !documented(req, error)
  ) {
    return `HTTP ${answer.httpStatus}: ${error?.message}`;
  }
  if (error === null) return null;
  if (serverCodes.has(error.code) && !documented(req, error))
    return `${Code[error.code]}: ${error.message}`;
  const [info] = error.findDetails(ErrorInfoSchema);
  if (info === undefined || info.reason === "")
    return `${Code[error.code]} without an ErrorInfo reason: ${error.message}`;
  if (
    info.reason === "BAD_REQUEST" &&
    (info.fieldViolations.length === 0 || info.fieldViolations.some((v) => v.field === ""))
  ) {
    return `BAD_REQUEST that names no field: ${error.message}`;
  }
  return null;
}

function documented(req: WireRequest, error: ConnectError | null): boolean {
  if (error === null) return false;
  if (
    error.code === Code.Internal &&
    req.compressedFlag &&
    error.rawMessage.startsWith("received compressed envelope")
  )
    return true;
  return error.code === Code.DeadlineExceeded && req.timeout;
}

function restProblem(answer: Answer): string | null {
  const status = answer.httpStatus;
  if (status >= 500) return `HTTP ${status}: ${JSON.stringify(answer.restBody)}`;
  if (status < 400) return null;
  const body = answer.restBody as
    | { error_code?: unknown; details?: { field_violations?: { field?: unknown }[] } }
    | undefined;
  if (typeof body?.error_code !== "string" || body.error_code === "")
    return `HTTP ${status} without an error_code`;
  if (body.error_code === "BAD_REQUEST") {
    const violations = body.details?.field_violations ?? [];
    if (
      violations.length === 0 ||
      violations.some((v) => typeof v.field !== "string" || v.field === "")
    ) {
      return `400 BAD_REQUEST that names no field: ${JSON.stringify(body)}`;
    }
  }
  return null;
}

export function isFiveHundred(req: WireRequest, answer: Answer): boolean {
  if (req.protocol === "rest" || (req.protocol === "connect-json" && !req.streaming))
    return answer.httpStatus >= 500;
  return answer.rpcError != null && serverCodes.has(answer.rpcError.code);
}
