/**
 * The real service in this process, on 127.0.0.1 and a free port, against a fresh database
 * (test-database.ts: TEST_DATABASE=sqlite|postgresql), with an admin key and clients for every
 * protocol the port speaks.
 *
 *   const svc = await startTestService();
 *   after(() => svc.close());
 *   const keys = svc.connect(ApiKeyService, "connect-h1", svc.adminKey);
 *   await keys.listApiKeys({});
 *
 * Clients made with `svc.connect` are closed by `svc.stop()` / `svc.close()`; a grpc-js client
 * is in test/integration/server/grpc-js-client.ts.
 */
import { randomBytes } from "node:crypto";
import { Writable } from "node:stream";
import type { DescService } from "@bufbuild/protobuf";
import { type Client, createClient, type Interceptor, type Transport } from "@connectrpc/connect";
import {
  createConnectTransport,
  createGrpcWebTransport,
  Http2SessionManager,
} from "@connectrpc/connect-node";
import type { HttpFallback } from "../../src/adapters/grpc/unknown-route.js";
import type { Telemetry } from "../../src/adapters/telemetry/sdk.js";
import { type RunningService, startService } from "../../src/composition/start-service.js";
import { type Config, parseConfig, type RawEnv } from "../../src/config.js";
import { createTestDatabase, type TestDatabase } from "./test-database.js";

export type ConnectProtocol = "connect-h1" | "connect-h2" | "grpc-web" | "grpc-web-h2";

export interface TestServiceOptions {
  /** Extra or overriding environment values (PORT, HOST and the database are set here). */
  env?: RawEnv;
  /** Reuse a database (restart tests); by default a fresh one that close() drops. */
  db?: TestDatabase;
  /** ADMIN_API_KEY; a random one by default, null for none. */
  adminKey?: string | null;
  telemetry?: Telemetry;
  fallbacks?: HttpFallback[];
}

export interface TestService {
  readonly url: string;
  readonly port: number;
  /** The ADMIN_API_KEY secret (empty when started without one). */
  readonly adminKey: string;
  readonly db: TestDatabase;
  readonly config: Config;
  readonly service: RunningService;
  /** The service's JSON log lines, parsed. */
  readonly logs: LogCapture;
  connect<T extends DescService>(service: T, protocol: ConnectProtocol, apiKey?: string): Client<T>;
  /** Runs `close` at stop() (for clients the test made itself, e.g. grpc-js). */
  onStop(close: () => void): void;
  /** Stops the service (graceful) and closes the clients; the database stays. */
  stop(): Promise<void>;
  /** stop(), then drops the database unless it was passed in. */
  close(): Promise<void>;
}

export function randomAdminKey(): string {
  return `test-admin-${randomBytes(16).toString("hex")}`;
}

/** The configuration the harness starts with, for tests that start the service themselves. */
export function testConfig(db: TestDatabase, env: RawEnv = {}): Config {
  return parseConfig({
    HOST: "127.0.0.1",
    PORT: "0",
    ...(db.databaseUrl === undefined ? {} : { DATABASE_URL: db.databaseUrl }),
    SQLITE_PATH: db.sqlitePath,
    LOG_LEVEL: "info",
    SHUTDOWN_TIMEOUT_MS: "5000",
    ...env,
  });
}

export async function startTestService(options: TestServiceOptions = {}): Promise<TestService> {
  const db = options.db ?? (await createTestDatabase());
  const adminKey = options.adminKey === undefined ? randomAdminKey() : options.adminKey;
  const config = testConfig(db, {
    ...(adminKey === null ? {} : { ADMIN_API_KEY: adminKey }),
    ...options.env,
  });
  const logs = new LogCapture();
  let service: RunningService;
  try {
    service = await startService(config, {
      logDestination: logs.destination,
      telemetry: options.telemetry,
      fallbacks: options.fallbacks,
    });
  } catch (error) {
    if (options.db === undefined) await db.drop();
    throw error;
  }
  const closers: (() => void)[] = [];
  const stop = async () => {
    await service.stop();
    for (const close of closers.splice(0)) close();
  };
  return {
    url: service.url,
    port: service.port,
    adminKey: adminKey ?? "",
    db,
    config,
    service,
    logs,
    connect(descriptor, protocol, apiKey) {
      const { transport, close } = createTransport(service.url, protocol, apiKey);
      closers.push(close);
      return createClient(descriptor, transport);
    },
    onStop(close) {
      closers.push(close);
    },
    stop,
    async close() {
      await stop();
      if (options.db === undefined) await db.drop();
    },
  };
}

/** A Connect-protocol or gRPC-Web transport that sends `apiKey` as X-API-Key. */
export function createTransport(
  baseUrl: string,
  protocol: ConnectProtocol,
  apiKey?: string,
): { transport: Transport; close: () => void } {
  const interceptors: Interceptor[] =
    apiKey === undefined
      ? []
      : [
          (next) => (req) => {
            req.header.set("x-api-key", apiKey);
            return next(req);
          },
        ];
  if (protocol === "connect-h1") {
    return {
      transport: createConnectTransport({ baseUrl, httpVersion: "1.1", interceptors }),
      close: () => undefined,
    };
  }
  if (protocol === "grpc-web") {
    return {
      transport: createGrpcWebTransport({ baseUrl, httpVersion: "1.1", interceptors }),
      close: () => undefined,
    };
  }
  const sessionManager = new Http2SessionManager(baseUrl);
  const options = { baseUrl, httpVersion: "2" as const, sessionManager, interceptors };
  return {
    transport:
      protocol === "connect-h2" ? createConnectTransport(options) : createGrpcWebTransport(options),
    close: () => sessionManager.abort(),
  };
}

export interface LogLine {
  level: string;
  msg: string;
  event_type?: string;
  action?: string;
  result?: string;
  [field: string]: unknown;
}

/** Collects the service's log lines (pino writes one JSON object per line). */
export class LogCapture {
  readonly raw: string[] = [];
  readonly destination = new Writable({
    write: (chunk: Buffer | string, _encoding, callback) => {
      for (const line of chunk.toString().split("\n")) {
        if (line.trim() !== "") this.raw.push(line);
      }
      callback();
    },
  });

  get lines(): LogLine[] {
    return this.raw.map((line) => JSON.parse(line) as LogLine);
  }

  find(predicate: (line: LogLine) => boolean): LogLine[] {
    return this.lines.filter(predicate);
  }

  /** Everything logged, as one string (to assert that something never appears). */
  text(): string {
    return this.raw.join("\n");
  }
}
