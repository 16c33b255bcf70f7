import type { IncomingMessage } from "node:http";
import type { ServerHttp2Stream } from "node:http2";
import { constants } from "node:http2";
import type { Socket } from "node:net";

/**
 * How much of a request body the server reads and throws away after answering before it
 * (a body over MAX_REQUEST_BYTES, say), so that a client still sending receives the answer
 * instead of a reset. Past this, or when HTTP_REQUEST_TIMEOUT_MS runs out, the connection
 * (HTTP/1.1) or the stream (HTTP/2) is closed. Documented in docs/limits.md.
 */
export const maxDiscardBytes = 16 * 1024 * 1024;

/**
 * HTTP/1.1, after an answer sent with the request body unread (the answer carries
 * `Connection: close`). Node closes the socket as soon as the answer is written, and a client
 * still sending then gets a reset (EPIPE, ECONNRESET) that drops the answer it has not read
 * yet. This replaces that close: the answer goes out followed by a FIN, the rest of the body
 * is read and discarded up to `maxDiscardBytes` within `timeoutMs`, then the socket closes.
 * A request that declares a Content-Length beyond the bound is closed at once, as before.
 */
export function lingerBeforeClose(req: IncomingMessage, socket: Socket, timeoutMs: number): void {
  const declared = Number(req.headers["content-length"]);
  if (Number.isFinite(declared) && declared > maxDiscardBytes) return;
  socket.destroySoon = () => {
    socket.end();
    let discarded = 0;
    let closed = false;
    const close = () => {
      if (closed) return;
      closed = true;
      clearTimeout(timer);
      req.off("data", onData);
      if (socket.writableFinished) socket.destroy();
      else socket.once("finish", () => socket.destroy());
    };
    // At the time bound the socket goes, whether or not the answer got out.
    const timer = setTimeout(() => {
      close();
      socket.destroy();
    }, timeoutMs);
    timer.unref();
    const onData = (chunk: Buffer) => {
      discarded += chunk.byteLength;
      if (discarded > maxDiscardBytes) close();
    };
    if (req.complete) {
      close();
      return;
    }
    req.on("data", onData);
    req.once("end", close);
    req.once("error", close);
    req.once("close", close);
    req.resume();
  };
}

/**
 * HTTP/2, after the answer was sent with the request body unread: an HTTP/2 answer does not
 * end the client's half of the stream, which stays blocked on flow control. Connect has
 * destroyed the compat request by then, which keeps pausing the stream; pulling with read()
 * discards the rest so the client can finish. Past `maxDiscardBytes` the stream is closed with
 * NO_ERROR. (Resetting at once instead can overtake the trailers that carry the status.)
 */
export function discardRestOfStream(stream: ServerHttp2Stream): void {
  let discarded = 0;
  const drain = () => {
    for (let chunk: Buffer | null = stream.read(); chunk !== null; chunk = stream.read()) {
      discarded += chunk.byteLength;
      if (discarded > maxDiscardBytes && !stream.closed) {
        stream.close(constants.NGHTTP2_NO_ERROR);
        return;
      }
    }
  };
  stream.on("readable", drain);
  // What arrived before now raised its 'readable' already: left buffered, it would hold the
  // stream open, and its bytes would count against the session's memory until every new
  // stream on the connection is refused (ENHANCE_YOUR_CALM).
  drain();
}
