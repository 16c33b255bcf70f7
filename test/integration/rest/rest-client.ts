import { request as httpRequest } from "node:http";
import { connect } from "node:http2";

export interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  // biome-ignore lint/suspicious/noExplicitAny: answers are checked field by field in the tests
  body: any;
}

export interface CallOptions {
  body?: unknown;
  /** Sent as is (malformed JSON, oversize bodies). */
  rawBody?: string;
  headers?: Record<string, string>;
}

/**
 * A REST client over node:http without connection reuse (no keep-alive pool to drain at
 * teardown). `apiKey` null sends no X-API-Key.
 */
export class RestClient {
  constructor(
    readonly baseUrl: string,
    readonly apiKey: string | null,
  ) {}

  as(apiKey: string | null): RestClient {
    return new RestClient(this.baseUrl, apiKey);
  }

  get(path: string, options: CallOptions = {}): Promise<Reply> {
    return this.call("GET", path, options);
  }

  post(path: string, body?: unknown, options: CallOptions = {}): Promise<Reply> {
    return this.call("POST", path, body === undefined ? options : { ...options, body });
  }

  put(path: string, body: unknown, options: CallOptions = {}): Promise<Reply> {
    return this.call("PUT", path, { ...options, body });
  }

  delete(path: string, options: CallOptions = {}): Promise<Reply> {
    return this.call("DELETE", path, options);
  }

  call(method: string, path: string, options: CallOptions = {}): Promise<Reply> {
    const url = new URL(path, this.baseUrl);
    const payload =
      options.rawBody ?? (options.body === undefined ? undefined : JSON.stringify(options.body));
    const headers: Record<string, string> = { ...options.headers };
    if (this.apiKey !== null) headers["x-api-key"] = this.apiKey;
    if (payload !== undefined) {
      headers["content-type"] ??= "application/json";
      headers["content-length"] = String(Buffer.byteLength(payload));
    }
    return new Promise((resolve, reject) => {
      const req = httpRequest(
        {
          host: url.hostname,
          port: url.port,
          method,
          path: `${url.pathname}${url.search}`,
          headers,
          agent: false,
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on("data", (chunk: Buffer) => chunks.push(chunk));
          res.on("end", () =>
            resolve(toReply(res.statusCode ?? 0, res.headers, Buffer.concat(chunks).toString())),
          );
          res.on("error", reject);
        },
      );
      req.on("error", reject);
      if (payload !== undefined) req.write(payload);
      req.end();
    });
  }

  /** The same call over HTTP/2 with prior knowledge (h2c). */
  callHttp2(method: string, path: string, options: CallOptions = {}): Promise<Reply> {
    const payload =
      options.rawBody ?? (options.body === undefined ? undefined : JSON.stringify(options.body));
    return new Promise((resolve, reject) => {
      const session = connect(this.baseUrl);
      session.on("error", reject);
      const headers: Record<string, string> = {
        ":method": method,
        ":path": path,
        ...options.headers,
      };
      if (this.apiKey !== null) headers["x-api-key"] = this.apiKey;
      if (payload !== undefined) headers["content-type"] = "application/json";
      const stream = session.request(headers);
      let status = 0;
      let responseHeaders: Reply["headers"] = {};
      const chunks: Buffer[] = [];
      stream.on("response", (h) => {
        status = Number(h[":status"]);
        responseHeaders = h as Reply["headers"];
      });
      stream.on("data", (chunk: Buffer) => chunks.push(chunk));
      stream.on("end", () => {
        session.close();
        resolve(toReply(status, responseHeaders, Buffer.concat(chunks).toString()));
      });
      stream.on("error", (error) => {
        session.close();
        reject(error);
      });
      if (payload !== undefined) stream.write(payload);
      stream.end();
    });
  }
}

function toReply(status: number, headers: Reply["headers"], text: string): Reply {
  let body: unknown = null;
  try {
    body = JSON.parse(text);
  } catch {
    body = null;
  }
  return { status, headers, text, body };
}
