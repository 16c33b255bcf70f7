import http from "node:http";
import http2 from "node:http2";
import net, { type AddressInfo, type Socket } from "node:net";
import type { ConnectNodeAdapterOptions } from "@connectrpc/connect-node";
import { discardRestOfStream, lingerBeforeClose } from "./discard-body.js";
import { detectHttpFlavour } from "./http2-preface.js";
import { assignRequestId } from "./request-id.js";

/** A request handler for both node:http and node:http2 (connect-node's NodeHandlerFn). */
export type NodeRequestHandler = NonNullable<ConnectNodeAdapterOptions["fallback"]>;
type NodeRequest = Parameters<NodeRequestHandler>[0];
type NodeResponse = Parameters<NodeRequestHandler>[1];

interface OnePortServerOptions {
  host: string;
  port: number;
  /** PEM cert and key: TLS with ALPN (h2, http/1.1); null: cleartext HTTP/1.1 and h2c. */
  tls: { cert: Buffer; key: Buffer } | null;
  headersTimeoutMs: number;
  requestTimeoutMs: number;
  keepAliveTimeoutMs: number;
  http2IdleTimeoutMs: number;
}

const maxConcurrentStreams = 256;

/**
 * One listening port for HTTP/1.1 and HTTP/2. In cleartext a net.Server looks at the first
 * bytes of each connection (HTTP/2 preface or not) and hands the socket to an http.Server or
 * an http2 server that share the request handler. Node has no h2c on http.Server and
 * `allowHTTP1` only exists for TLS, where ALPN decides and one secure http2 server suffices.
 *
 * It tracks connections, HTTP/2 sessions and in-flight requests so that `drain()` can end
 * everything without waiting for clients' pooled connections (http2 close() alone waits for
 * every session to go away).
 */
export class OnePortServer {
  private readonly sockets = new Set<Socket>();
  private readonly sessions = new Set<http2.ServerHttp2Session>();
  private readonly h1Active = new Map<Socket, number>();
  private inFlight = 0;
  private draining = false;
  private onSettled: (() => void) | null = null;

  private constructor(
    private readonly listener: net.Server,
    private readonly h1: http.Server | null,
    private readonly http2IdleTimeoutMs: number,
    private readonly requestTimeoutMs: number,
  ) {}

  static async listen(
    handler: NodeRequestHandler,
    options: OnePortServerOptions,
  ): Promise<OnePortServer> {
    let self: OnePortServer | null = null;
    const tracked: NodeRequestHandler = (req, res) => {
      if (self === null) throw new Error("server not ready");
      assignRequestId(req, res);
      self.track(req, res);
      handler(req, res);
    };
    const h2Options = { settings: { maxConcurrentStreams } };
    let listener: net.Server;
    let h1: http.Server | null = null;
    let h2: http2.Http2Server | http2.Http2SecureServer;
    if (options.tls === null) {
      h1 = http.createServer(
        {
          headersTimeout: options.headersTimeoutMs,
          requestTimeout: options.requestTimeoutMs,
          connectionsCheckingInterval: checkingInterval(options.headersTimeoutMs),
        },
        tracked,
      );
      h1.keepAliveTimeout = options.keepAliveTimeoutMs;
      // The http.Server never listens itself; 'listening' starts its connection bookkeeping,
      // which enforces headersTimeout/requestTimeout and backs closeIdleConnections().
      h1.emit("listening");
      const h1Server = h1;
      const h2c = http2.createServer(h2Options, tracked);
      h2 = h2c;
      listener = net.createServer((socket) => {
        // Until a server owns the socket, its errors (a client reset) are ours to swallow.
        socket.on("error", () => socket.destroy());
        socket.setTimeout(options.headersTimeoutMs, () => socket.destroy());
        detectHttpFlavour(socket, (flavour, head) => {
          socket.setTimeout(0);
          if (flavour === "h2") {
            socket.unshift(head);
            h2c.emit("connection", socket);
          } else {
            // http.Server's parser reads the socket's handle directly and would never see
            // unshifted bytes, so the head is fed to it as a 'data' event instead.
            h1Server.emit("connection", socket);
            socket.emit("data", head);
            socket.resume();
          }
        });
      });
    } else {
      const secure = http2.createSecureServer(
        { ...h2Options, cert: options.tls.cert, key: options.tls.key, allowHTTP1: true },
        tracked,
      );
      // With allowHTTP1 the secure server runs node:http's connection handling for HTTP/1.1
      // and honours these (they are not in its type).
      Object.assign(secure, {
        headersTimeout: options.headersTimeoutMs,
        requestTimeout: options.requestTimeoutMs,
        keepAliveTimeout: options.keepAliveTimeoutMs,
        connectionsCheckingInterval: checkingInterval(options.headersTimeoutMs),
      });
      h2 = secure;
      listener = secure;
    }
    const server = new OnePortServer(
      listener,
      h1,
      options.http2IdleTimeoutMs,
      options.requestTimeoutMs,
    );
    self = server;
    h2.on("session", (session: http2.ServerHttp2Session) => server.trackSession(session));
    listener.on("connection", (socket: Socket) => server.trackSocket(socket));
    await new Promise<void>((resolve, reject) => {
      listener.once("error", (error) =>
        reject(new Error(`cannot listen on ${options.host}:${options.port}: ${error.message}`)),
      );
      listener.listen(options.port, options.host, () => resolve());
    });
    return server;
  }

  get port(): number {
    return (this.listener.address() as AddressInfo).port;
  }

  /** Stops accepting connections; open ones keep working until drain(). */
  stopAccepting(): void {
    if (this.listener.listening) this.listener.close();
  }

  /**
   * Ends every connection: HTTP/2 sessions get GOAWAY and close after their open streams,
   * HTTP/1.1 connections close when idle (answers in flight carry `Connection: close`).
   * After `deadlineMs` whatever is left is destroyed. Resolves once nothing is open.
   */
  async drain(deadlineMs: number): Promise<{ forced: boolean }> {
    this.stopAccepting();
    this.draining = true;
    for (const session of this.sessions) session.close();
    this.closeIdleH1();
    if (this.settled()) {
      this.destroyAll();
      return { forced: false };
    }
    let timer: NodeJS.Timeout | undefined;
    const forced = await Promise.race([
      new Promise<boolean>((resolve) => {
        this.onSettled = () => resolve(false);
      }),
      new Promise<boolean>((resolve) => {
        timer = setTimeout(() => resolve(true), deadlineMs);
      }),
    ]);
    clearTimeout(timer);
    this.onSettled = null;
    this.destroyAll();
    return { forced };
  }

  private track(req: NodeRequest, res: NodeResponse): void {
    this.inFlight++;
    const h1Socket = req.httpVersionMajor === 1 ? (req.socket as Socket) : null;
    if (h1Socket !== null) {
      if (!this.h1Active.has(h1Socket)) {
        h1Socket.once("close", () => this.h1Active.delete(h1Socket));
      }
      this.h1Active.set(h1Socket, (this.h1Active.get(h1Socket) ?? 0) + 1);
      closeIfBodyUnread(req as http.IncomingMessage, res, h1Socket, this.requestTimeoutMs, () => {
        return this.draining;
      });
    }
    if ("stream" in req) {
      // An answer sent before the request body was read (a size-limit error, say) would leave
      // the request in flight until shutdown (discard-body.ts).
      const stream = req.stream;
      stream.once("finish", () => {
        if (!req.complete) discardRestOfStream(stream);
      });
    }
    res.once("close", () => {
      this.inFlight--;
      if (h1Socket !== null) {
        const active = (this.h1Active.get(h1Socket) ?? 1) - 1;
        this.h1Active.set(h1Socket, active);
        if (this.draining && active === 0) h1Socket.destroySoon();
      }
      this.checkSettled();
    });
  }

  private trackSocket(socket: Socket): void {
    this.sockets.add(socket);
    socket.once("close", () => this.sockets.delete(socket));
  }

  private trackSession(session: http2.ServerHttp2Session): void {
    this.sessions.add(session);
    // An idle session gets GOAWAY; streams still open on it may finish. (Set per session:
    // the server-wide timeout would also apply to HTTP/1.1 sockets under TLS.)
    session.setTimeout(this.http2IdleTimeoutMs, () => session.close());
    if (this.draining) session.close();
    session.once("close", () => {
      this.sessions.delete(session);
      this.checkSettled();
    });
  }

  private closeIdleH1(): void {
    this.h1?.closeIdleConnections();
    for (const [socket, active] of this.h1Active) {
      if (active === 0) socket.destroySoon();
    }
  }

  private settled(): boolean {
    return this.inFlight === 0 && this.sessions.size === 0;
  }

  private checkSettled(): void {
    if (this.draining && this.settled()) this.onSettled?.();
  }

  private destroyAll(): void {
    for (const session of this.sessions) session.destroy();
    this.h1?.closeAllConnections();
    // Stops the connection-checking interval that emit("listening") started.
    this.h1?.close();
    for (const socket of this.sockets) socket.destroy();
  }
}

/** How often node:http checks headersTimeout/requestTimeout (its default is every 30 s). */
function checkingInterval(headersTimeoutMs: number): number {
  return Math.min(Math.max(headersTimeoutMs / 4, 100), 5_000);
}

/**
 * HTTP/1.1: answering before the request body was read (Connect stops at readMaxBytes, REST
 * at MAX_REQUEST_BYTES or a missing key) would leave the rest of the body in the connection,
 * and the next request on it would hang. Such answers, and every answer while draining, carry
 * `Connection: close`; after one with the body unread, the rest is discarded before the socket
 * closes (discard-body.ts). Node has no hook that runs just before the head is written, hence
 * the wrapped writeHead (it runs after Connect's own drain, so this close wins over Connect's).
 */
function closeIfBodyUnread(
  req: http.IncomingMessage,
  res: NodeResponse,
  socket: Socket,
  timeoutMs: number,
  draining: () => boolean,
): void {
  const response = res as http.ServerResponse;
  const writeHead = response.writeHead;
  response.writeHead = function (this: http.ServerResponse, ...args: unknown[]) {
    if (!req.complete) lingerBeforeClose(req, socket, timeoutMs);
    if (!req.complete || draining()) this.setHeader("connection", "close");
    return (writeHead as (...a: unknown[]) => http.ServerResponse).apply(this, args);
  } as typeof response.writeHead;
}
