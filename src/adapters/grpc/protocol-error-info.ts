import { brotliDecompressSync, gunzipSync } from "node:zlib";
import { Code, ConnectError } from "@connectrpc/connect";
import {
  createAsyncIterable,
  encodeEnvelope,
  readAllBytes,
  type UniversalHandler,
  type UniversalServerResponse,
} from "@connectrpc/connect/protocol";
import {
  codeToHttpStatus,
  endStreamFlag,
  endStreamFromJson,
  endStreamToJson,
  errorFromJsonBytes,
  errorToJsonBytes,
} from "@connectrpc/connect/protocol-connect";
import { findTrailerError, setTrailerStatus } from "@connectrpc/connect/protocol-grpc";
import { trailerFlag, trailerParse, trailerSerialize } from "@connectrpc/connect/protocol-grpc-web";
import type { Logger } from "../../ports/logger.js";
import {
  clientWentAway,
  hasErrorInfo,
  isServerStatus,
  withErrorInfo,
  withErrorMetadata,
} from "./errors.js";
import { requestIdHeader } from "./server/request-id.js";

const compressedFlag = 0b00000001;

/**
 * Connect answers some errors before any interceptor runs: undecodable bodies, bodies over
 * readMaxBytes, bad timeouts, and (for unary calls of every protocol) the input read itself.
 * Those errors carry no ErrorInfo. This wrapper adds one, derived from the code, to the
 * error as each protocol encodes it: the JSON body of Connect unary calls, the end-stream
 * frame of Connect streams, the gRPC trailers, and the gRPC-Web trailer frame. Errors that
 * already carry an ErrorInfo (everything the map-errors interceptor produced, and logged)
 * pass unchanged. Of the others, those with a 5xx code are logged here, once, with the
 * request id (also put in their ErrorInfo, and in every gRPC trailer).
 */
export function withProtocolErrorInfo(handler: UniversalHandler, logger: Logger): UniversalHandler {
  const action = `${handler.service.typeName}/${handler.method.name}`;
  const wrapped = async (req: Parameters<UniversalHandler>[0]) => {
    const res = await handler(req);
    const contentType = req.header.get("content-type") ?? "";
    const requestId = req.header.get(requestIdHeader) ?? "";
    const fix: FixError = (error) => protocolError(error, logger, action, requestId, req.signal);
    if (contentType.startsWith("application/grpc-web")) {
      return { ...res, body: mapFrames(res.body, trailerFlag, (d) => fixGrpcWebTrailer(d, fix)) };
    }
    if (contentType.startsWith("application/grpc")) {
      return res.trailer === undefined
        ? res
        : { ...res, body: fixTrailerAtEnd(res, fix, requestId) };
    }
    if (contentType.startsWith("application/connect+")) {
      return { ...res, body: mapFrames(res.body, endStreamFlag, (d) => fixEndStream(d, fix)) };
    }
    return res.status >= 400 ? fixUnaryError(res, req.method, contentType, fix) : res;
  };
  return Object.assign(wrapped, {
    protocolNames: handler.protocolNames,
    service: handler.service,
    method: handler.method,
    requestPath: handler.requestPath,
    allowedMethods: handler.allowedMethods,
    supportedContentType: handler.supportedContentType,
  });
}

type FixError = (error: ConnectError) => ConnectError;

/**
 * An error the protocol layer raised: with an ErrorInfo, and logged once when its code is a
 * 5xx one. A compressed frame without `grpc-encoding` is INTERNAL as gRPC prescribes, a
 * deadline or an HTTP/1.1 call of a streaming RPC is the caller's doing: warnings, as client
 * errors. A read that failed because the client went away is logged at info. Anything else
 * (an answer that cannot be serialized, say) is a failure.
 */
function protocolError(
  error: ConnectError,
  logger: Logger,
  action: string,
  requestId: string,
  signal: AbortSignal,
): ConnectError {
  if (hasErrorInfo(error)) return error;
  const fixed = withErrorInfo(error);
  const fields = { action, request_id: requestId, code: fixed.code, message: fixed.rawMessage };
  if (clientWentAway(signal)) {
    logger.info(fields, "client closed the request before the answer");
    return fixed;
  }
  if (!isServerStatus(fixed.code)) return fixed;
  if (isClientCaused(fixed)) {
    logger.warn(fields, `client error answered ${Code[fixed.code]} by the protocol layer`);
  } else {
    logger.error(
      { event_type: "ERROR", ...fields, result: "FAILURE", err: error },
      `rpc failed in the protocol layer: ${fixed.rawMessage}`,
    );
  }
  return withErrorMetadata(fixed, { request_id: requestId });
}

function isClientCaused(error: ConnectError): boolean {
  return (
    error.code === Code.DeadlineExceeded ||
    error.code === Code.Unimplemented ||
    (error.code === Code.Internal && error.rawMessage.startsWith("received compressed envelope"))
  );
}

/**
 * Connect unary errors are a JSON body; 405/415 answers have none, so we give them one. Connect
 * compresses an error body over 1 KiB for a client that accepts gzip or br: it is read
 * decompressed, and the fixed error is sent uncompressed.
 */
async function fixUnaryError(
  res: UniversalServerResponse,
  method: string,
  contentType: string,
  fix: FixError,
): Promise<UniversalServerResponse> {
  const sent = res.body === undefined ? new Uint8Array(0) : await readAllBytes(res.body, 1 << 20);
  const bytes = decompressed(sent, res.header?.get("content-encoding") ?? null);
  if (bytes === null) return { ...res, body: createAsyncIterable([sent]) };
  let error: ConnectError;
  if (bytes.byteLength > 0) {
    try {
      error = errorFromJsonBytes(bytes, undefined, new ConnectError("unparsable", Code.Unknown));
    } catch {
      return { ...res, body: createAsyncIterable([bytes]) };
    }
  } else {
    error = bodylessError(res.status, method, contentType);
  }
  const fixed = fix(error);
  const body = errorToJsonBytes(fixed, undefined);
  const header = new Headers(res.header);
  header.delete("content-encoding");
  header.set("content-type", "application/json");
  header.set("content-length", String(body.byteLength));
  // Bodiless 405/415 keep their status; a reclassified error gets the status of its code.
  const status =
    bytes.byteLength > 0 && fixed.code !== error.code ? codeToHttpStatus(fixed.code) : res.status;
  return { ...res, status, header, body: createAsyncIterable([body]) };
}

/** The body without its content encoding; null for an encoding this file does not know. */
function decompressed(bytes: Uint8Array, encoding: string | null): Uint8Array | null {
  try {
    switch (encoding) {
      case null:
      case "identity":
        return bytes;
      case "gzip":
        return gunzipSync(bytes, { maxOutputLength: 1 << 20 });
      case "br":
        return brotliDecompressSync(bytes, { maxOutputLength: 1 << 20 });
      default:
        return null;
    }
  } catch {
    return null;
  }
}

function bodylessError(status: number, method: string, contentType: string): ConnectError {
  switch (status) {
    case 405:
      return new ConnectError(`HTTP method ${method} is not allowed here`, Code.InvalidArgument);
    case 415:
      return new ConnectError(
        `unsupported content-type "${contentType}"; use application/json or application/proto`,
        Code.InvalidArgument,
      );
    case 505:
      return new ConnectError("this RPC needs HTTP/2", Code.Unimplemented);
    default:
      return new ConnectError(`HTTP status ${status}`, Code.Unknown);
  }
}

/** gRPC: the request id goes in the trailers too, for clients that only read those. */
async function* fixTrailerAtEnd(res: UniversalServerResponse, fix: FixError, requestId: string) {
  if (res.body !== undefined) yield* res.body;
  const trailer = res.trailer;
  if (trailer === undefined) return;
  trailer.set(requestIdHeader, requestId);
  const error = findTrailerError(trailer);
  if (error !== undefined) setTrailerStatus(trailer, plain(fix(error)));
}

function fixGrpcWebTrailer(data: Uint8Array, fix: FixError): Uint8Array {
  const trailer = trailerParse(data);
  const error = findTrailerError(trailer);
  if (error === undefined) return data;
  setTrailerStatus(trailer, plain(fix(error)));
  return trailerSerialize(trailer);
}

function fixEndStream(data: Uint8Array, fix: FixError): Uint8Array {
  const endStream = endStreamFromJson(data);
  if (endStream.error === undefined) return data;
  const json = endStreamToJson(endStream.metadata, fix(endStream.error), undefined);
  return new TextEncoder().encode(JSON.stringify(json));
}

/** setTrailerStatus appends the error's metadata; the trailer already holds it. */
function plain(error: ConnectError): ConnectError {
  const copy = new ConnectError(error.rawMessage, error.code);
  copy.details.push(...error.details);
  return copy;
}

/**
 * Rewrites the frame with `flag` (the last one of the response). Connect's handlers yield
 * one enveloped message per chunk; a chunk that is not exactly one uncompressed frame is
 * passed through untouched.
 */
async function* mapFrames(
  body: AsyncIterable<Uint8Array> | undefined,
  flag: number,
  fix: (data: Uint8Array) => Uint8Array,
) {
  if (body === undefined) return;
  for await (const chunk of body) {
    if (isSingleFrame(chunk, flag)) {
      const flags = chunk[0] ?? 0;
      yield encodeEnvelope(flags, fix(chunk.subarray(5)));
    } else {
      yield chunk;
    }
  }
}

function isSingleFrame(chunk: Uint8Array, flag: number): boolean {
  if (chunk.byteLength < 5) return false;
  const flags = chunk[0] ?? 0;
  if ((flags & flag) !== flag || (flags & compressedFlag) !== 0) return false;
  const view = new DataView(chunk.buffer, chunk.byteOffset, chunk.byteLength);
  return view.getUint32(1) + 5 === chunk.byteLength;
}
