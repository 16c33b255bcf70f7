import { subscribe, unsubscribe } from "node:diagnostics_channel";
import http from "node:http";
import type { AddressInfo, Socket } from "node:net";

export interface RecordedRequest {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  body: string;
  /** Resolves when the client's connection closes. */
  connectionClosed: Promise<void>;
}

export type Responder = (
  request: RecordedRequest,
  res: http.ServerResponse,
  server: RecordingServer,
) => void;

/** A real HTTP server on 127.0.0.1 that records what it receives. */
export class RecordingServer {
  readonly requests: RecordedRequest[] = [];
  connections = 0;
  private waiters: (() => void)[] = [];
  private readonly timers = new Set<NodeJS.Timeout>();

  private constructor(
    private readonly server: http.Server,
    readonly port: number,
  ) {}

  static async start(respond: Responder = respondJson): Promise<RecordingServer> {
    const server = http.createServer();
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const recording = new RecordingServer(server, (server.address() as AddressInfo).port);
    const closed = new WeakMap<Socket, Promise<void>>();
    server.on("connection", (socket: Socket) => {
      recording.connections++;
      closed.set(socket, new Promise((resolve) => socket.once("close", () => resolve())));
    });
    server.on("request", (req: http.IncomingMessage, res: http.ServerResponse) => {
      const chunks: Buffer[] = [];
      req.on("data", (chunk: Buffer) => chunks.push(chunk));
      req.on("end", () => {
        const recorded: RecordedRequest = {
          method: req.method ?? "",
          url: req.url ?? "",
          headers: req.headers,
          body: Buffer.concat(chunks).toString("utf8"),
          connectionClosed: closed.get(req.socket) ?? Promise.resolve(),
        };
        recording.requests.push(recorded);
        for (const waiter of recording.waiters.splice(0)) waiter();
        respond(recorded, res, recording);
      });
    });
    return recording;
  }

  url(path = "/"): string {
    return `http://127.0.0.1:${this.port}${path}`;
  }

  /** Resolves with the request at `index` (0: the first) once the server has received it. */
  async request(index = 0): Promise<RecordedRequest> {
    for (;;) {
      const received = this.requests[index];
      if (received !== undefined) return received;
      await new Promise<void>((resolve) => this.waiters.push(resolve));
    }
  }

  /** A timer cleared on close, so a slow responder never keeps the test process alive. */
  later(ms: number, action: () => void): void {
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      action();
    }, ms);
    this.timers.add(timer);
  }

  async close(): Promise<void> {
    for (const timer of this.timers) clearTimeout(timer);
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

/** Echoes the request back as JSON. */
export const respondJson: Responder = (request, res) => {
  res.setHeader("content-type", "application/json");
  res.end(
    JSON.stringify({
      method: request.method,
      url: request.url,
      body: request.body,
    }),
  );
};

/** Counts client sockets created in this process while `run` runs (net.client.socket channel). */
export async function countSocketsDuring(run: () => Promise<unknown>): Promise<number> {
  let sockets = 0;
  const onSocket = () => {
    sockets++;
  };
  subscribe("net.client.socket", onSocket);
  try {
    await run();
  } finally {
    unsubscribe("net.client.socket", onSocket);
  }
  return sockets;
}

/** Rejects when `promise` has not settled within a generous bound (never a speed assertion). */
export async function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const bound = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not happen within ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([promise, bound]);
  } finally {
    clearTimeout(timer);
  }
}
