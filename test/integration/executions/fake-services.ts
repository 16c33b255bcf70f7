import http from "node:http";
import type { AddressInfo } from "node:net";

export interface ReceivedRequest {
  method: string;
  path: string;
  headers: http.IncomingHttpHeaders;
  /** The body parsed as JSON when it parses, else the text. */
  body: unknown;
  /** Resolves when the client closes the connection before the answer was sent. */
  abandoned: Promise<void>;
}

export type Answer = (request: ReceivedRequest) => { status?: number; body: unknown };

/**
 * A real HTTP server on 127.0.0.1 standing in for the router, the browser-source service or a
 * webhook target: it records every request and answers JSON.
 */
export class FakeService {
  readonly requests: ReceivedRequest[] = [];
  private waiters: (() => void)[] = [];
  /** Path prefixes whose requests wait for release(prefix) before they are answered. */
  private readonly held = new Map<
    string,
    { released: boolean; release: Promise<void>; open: () => void }
  >();

  private constructor(
    private readonly server: http.Server,
    readonly url: string,
  ) {}

  static async start(answer: Answer = () => ({ body: { ok: true } })): Promise<FakeService> {
    const server = http.createServer();
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const { port } = server.address() as AddressInfo;
    const fake = new FakeService(server, `http://127.0.0.1:${port}`);
    server.on("request", (req: http.IncomingMessage, res: http.ServerResponse) => {
      const chunks: Buffer[] = [];
      req.on("data", (chunk: Buffer) => chunks.push(chunk));
      req.on("end", () => {
        const text = Buffer.concat(chunks).toString("utf8");
        let body: unknown = text;
        try {
          body = text === "" ? null : JSON.parse(text);
        } catch {
          body = text;
        }
        const received: ReceivedRequest = {
          method: req.method ?? "",
          path: req.url ?? "",
          headers: req.headers,
          body,
          abandoned: new Promise((resolve) => {
            res.once("close", () => {
              if (!res.writableEnded) resolve();
            });
          }),
        };
        fake.requests.push(received);
        for (const wake of fake.waiters.splice(0)) wake();
        void fake.gateOf(received.path).then(() => {
          if (res.destroyed) return;
          const reply = answer(received);
          res.writeHead(reply.status ?? 200, { "content-type": "application/json" });
          res.end(JSON.stringify(reply.body));
        });
      });
    });
    return fake;
  }

  /** Requests to paths starting with `prefix` are answered only after release(prefix). */
  hold(prefix: string): void {
    let open = () => {};
    const release = new Promise<void>((resolve) => {
      open = resolve;
    });
    this.held.set(prefix, { released: false, release, open });
  }

  release(prefix: string): void {
    const gate = this.held.get(prefix);
    if (gate === undefined) return;
    gate.released = true;
    gate.open();
  }

  private async gateOf(path: string): Promise<void> {
    for (const [prefix, gate] of this.held) {
      if (path.startsWith(prefix) && !gate.released) await gate.release;
    }
  }

  /** Requests whose path starts with `prefix`. */
  to(prefix: string): ReceivedRequest[] {
    return this.requests.filter((r) => r.path.startsWith(prefix));
  }

  /** Resolves once a request matching `predicate` has arrived (bounded by the test's timeout). */
  async waitFor(predicate: (r: ReceivedRequest) => boolean): Promise<ReceivedRequest> {
    for (;;) {
      const found = this.requests.find(predicate);
      if (found !== undefined) return found;
      await new Promise<void>((resolve) => this.waiters.push(resolve));
    }
  }

  async close(): Promise<void> {
    for (const gate of this.held.values()) gate.open();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

/**
 * The router: execute-module answers `result.output` with a score, send-message a message id
 * made from the message text (so concurrent runs can be told apart).
 */
export function routerAnswer(score: number): Answer {
  return (request) => {
    if (request.path === "/api/v1/execute-module") {
      return { body: { success: true, result: { output: { score, note: "scored" } } } };
    }
    if (request.path === "/api/v1/send-message") {
      const message = (request.body as { message?: unknown } | null)?.message;
      return { body: { success: true, message_id: `msg:${String(message)}` } };
    }
    return { status: 404, body: { error: "unknown path" } };
  };
}
