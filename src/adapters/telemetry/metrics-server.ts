import http, { type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

/** /metrics on its own HTTP/1.1 port (METRICS_PORT), for scrapers kept off the service port. */
export class MetricsServer {
  private constructor(private readonly server: http.Server) {}

  static async listen(
    handler: (req: IncomingMessage, res: ServerResponse) => void,
    host: string,
    port: number,
  ): Promise<MetricsServer> {
    const server = http.createServer((req, res) => {
      if ((req.url ?? "").split("?", 1)[0] === "/metrics" && req.method === "GET") {
        handler(req, res);
        return;
      }
      res.writeHead(404, { "content-type": "text/plain" });
      res.end("not found\n");
    });
    await new Promise<void>((resolve, reject) => {
      server.once("error", (error) =>
        reject(new Error(`cannot listen on ${host}:${port} for metrics: ${error.message}`)),
      );
      server.listen(port, host, () => resolve());
    });
    return new MetricsServer(server);
  }

  get port(): number {
    return (this.server.address() as AddressInfo).port;
  }

  close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}
