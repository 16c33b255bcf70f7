/**
 * Clients that do what real clients do but libraries hide: write a whole request before
 * reading anything, send hand-made gRPC frames, go away mid-request.
 */
import http2 from "node:http2";
import net from "node:net";

export interface RawHttp1Answer {
  /** The status line's code, or null when the connection failed before an answer. */
  status: number | null;
  headers: Record<string, string>;
  body: string;
  /** The socket error (EPIPE, ECONNRESET) when there was one. */
  error: string | null;
}

/**
 * HTTP/1.1 over a plain socket that writes the head and the whole body (Content-Length, or
 * chunked) before it reads a byte of the answer, as curl with a file upload or Python's
 * requests do. A server that closes early makes these writes fail.
 */
export function writeAllThenRead(
  port: number,
  path: string,
  options: { headers: Record<string, string>; bodyBytes: number; chunked?: boolean },
): Promise<RawHttp1Answer> {
  return new Promise((resolve) => {
    const socket = net.connect(port, "127.0.0.1");
    socket.pause();
    let received = "";
    let error: string | null = null;
    const finish = () => resolve(parseAnswer(received, error));
    socket.on("error", (e: NodeJS.ErrnoException) => {
      error = e.code ?? e.message;
      finish();
    });
    const headers = {
      host: "127.0.0.1",
      ...options.headers,
      ...(options.chunked
        ? { "transfer-encoding": "chunked" }
        : { "content-length": String(options.bodyBytes) }),
    };
    const head = Object.entries(headers)
      .map(([name, value]) => `${name}: ${value}\r\n`)
      .join("");
    socket.write(`POST ${path} HTTP/1.1\r\n${head}\r\n`);
    const piece = 64 * 1024;
    const chunk = Buffer.alloc(piece, 0x61);
    let sent = 0;
    const write = () => {
      while (sent < options.bodyBytes) {
        const size = Math.min(piece, options.bodyBytes - sent);
        sent += size;
        const data = chunk.subarray(0, size);
        const framed = options.chunked
          ? Buffer.concat([Buffer.from(`${size.toString(16)}\r\n`), data, Buffer.from("\r\n")])
          : data;
        if (!socket.write(framed)) {
          socket.once("drain", write);
          return;
        }
      }
      if (options.chunked) socket.write("0\r\n\r\n");
      socket.on("data", (c: Buffer) => {
        received += c.toString("latin1");
      });
      socket.on("end", finish);
      socket.resume();
    };
    write();
  });
}

function parseAnswer(text: string, error: string | null): RawHttp1Answer {
  const end = text.indexOf("\r\n\r\n");
  if (end < 0) return { status: null, headers: {}, body: "", error };
  const [statusLine = "", ...lines] = text.slice(0, end).split("\r\n");
  const headers: Record<string, string> = {};
  for (const line of lines) {
    const colon = line.indexOf(":");
    headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  const status = Number(statusLine.split(" ")[1]);
  return {
    status: Number.isInteger(status) ? status : null,
    headers,
    body: text.slice(end + 4),
    error,
  };
}

/** A gRPC/gRPC-Web length-prefixed message with the given flags. */
export function grpcFrame(flags: number, data: Uint8Array): Uint8Array {
  const out = new Uint8Array(5 + data.byteLength);
  out[0] = flags;
  new DataView(out.buffer).setUint32(1, data.byteLength);
  out.set(data, 5);
  return out;
}

export interface RawGrpcAnswer {
  headers: Record<string, string>;
  trailers: Record<string, string>;
}

/** One gRPC call over h2c with a hand-made body; headers and trailers as plain records. */
export function rawGrpcCall(
  url: string,
  path: string,
  body: Uint8Array,
  headers: Record<string, string> = {},
): Promise<RawGrpcAnswer> {
  return new Promise((resolve, reject) => {
    const session = http2.connect(url);
    session.on("error", reject);
    const answer: RawGrpcAnswer = { headers: {}, trailers: {} };
    const stream = session.request({
      ":method": "POST",
      ":path": path,
      "content-type": "application/grpc+proto",
      te: "trailers",
      ...headers,
    });
    stream.on("response", (h) => {
      answer.headers = plainHeaders(h);
    });
    stream.on("trailers", (t) => {
      answer.trailers = plainHeaders(t);
    });
    stream.on("data", () => undefined);
    stream.on("error", () => undefined);
    stream.on("close", () => {
      session.close();
      resolve(answer);
    });
    stream.end(body);
  });
}

function plainHeaders(headers: http2.IncomingHttpHeaders): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined) out[name] = Array.isArray(value) ? value.join(", ") : String(value);
  }
  return out;
}

/**
 * Starts an HTTP/1.1 POST that declares `declaredBytes`, sends `partial`, waits until the
 * server has read it (a short pause), then resets the connection.
 */
export async function abandonHttp1Request(
  port: number,
  path: string,
  headers: Record<string, string>,
  partial: string,
  declaredBytes: number,
): Promise<void> {
  const socket = net.connect(port, "127.0.0.1");
  socket.on("error", () => undefined);
  await new Promise((resolve) => socket.once("connect", resolve));
  const head = Object.entries({
    host: "127.0.0.1",
    ...headers,
    "content-length": String(declaredBytes),
  })
    .map(([name, value]) => `${name}: ${value}\r\n`)
    .join("");
  socket.write(`POST ${path} HTTP/1.1\r\n${head}\r\n${partial}`);
  await new Promise((resolve) => setTimeout(resolve, 100));
  socket.resetAndDestroy();
  await new Promise((resolve) => socket.once("close", resolve));
}

/** The same over HTTP/2: the stream is reset (CANCEL) after part of the body. */
export async function abandonHttp2Request(
  url: string,
  path: string,
  headers: Record<string, string>,
  partial: string,
): Promise<void> {
  const session = http2.connect(url);
  session.on("error", () => undefined);
  const stream = session.request({ ":method": "POST", ":path": path, ...headers });
  stream.on("error", () => undefined);
  stream.write(partial);
  await new Promise((resolve) => setTimeout(resolve, 100));
  stream.close(http2.constants.NGHTTP2_CANCEL);
  await new Promise((resolve) => stream.once("close", resolve));
  session.close();
}
