import type { Socket } from "node:net";

const preface = Buffer.from("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n", "latin1");

type HttpFlavour = "h1" | "h2";

/**
 * Reads the first bytes of a cleartext connection and decides: the HTTP/2 connection preface
 * means h2c with prior knowledge (grpc-js, Connect over HTTP/2, curl --http2-prior-knowledge),
 * anything else is HTTP/1.1. Calls `done` once with the bytes read so far, paused; the caller
 * hands them and the socket on. Nothing is called if the socket closes first.
 */
export function detectHttpFlavour(
  socket: Socket,
  done: (flavour: HttpFlavour, head: Buffer) => void,
): void {
  let head: Buffer = Buffer.alloc(0);
  const onData = (chunk: Buffer) => {
    head = head.byteLength === 0 ? chunk : Buffer.concat([head, chunk]);
    const n = Math.min(head.byteLength, preface.byteLength);
    const couldBeH2 = head.subarray(0, n).equals(preface.subarray(0, n));
    if (couldBeH2 && head.byteLength < preface.byteLength) return;
    socket.off("data", onData);
    socket.pause();
    done(couldBeH2 ? "h2" : "h1", head);
  };
  socket.on("data", onData);
}
