/**
 * Service configuration: `readEnv` picks our variables out of the environment, `parseConfig`
 * validates all of them at once and returns a frozen `Config`. Both are pure; only `main.ts`
 * and `cli.ts` pass `process.env` in.
 */

export const configVariables = [
  "PORT",
  "HOST",
  "DATABASE_URL",
  "SQLITE_PATH",
  "DATABASE_POOL_SIZE",
  "LOG_LEVEL",
  "ADMIN_API_KEY",
  "ROUTER_URL",
  "BROWSER_SOURCE_URL",
  "OUTBOUND_ALLOW_HOSTS",
  "ROUTER_API_KEY",
  "BROWSER_SOURCE_API_KEY",
  "RUNNER_CONCURRENCY",
  "RUNNER_LEASE_SECONDS",
  "RUNNER_POLL_MS",
  "RUNNER_CLAIM_BATCH_MS",
  "RUNNER_PARK_AFTER_MS",
  "ENGINE_WORKERS",
  "RUN_SEGMENT_CPU_MS",
  "WATCH_POLL_MS",
  "COMMUNITY_RUN_RATE_LIMIT",
  "COMMUNITY_RUN_RATE_WINDOW_SECONDS",
  "WEBHOOK_SECRET_KEY",
  "SCHEDULER_POLL_MS",
  "STREAM_RECHECK_MS",
  "WORKFLOW_TIMEOUT",
  "MAX_LOOP_ITERATIONS",
  "MAX_TOTAL_OPERATIONS",
  "MAX_LOOP_DEPTH",
  "MAX_PARALLEL_NODES",
  "MAX_REQUEST_BYTES",
  "MAX_RESPONSE_BYTES",
  "MAX_RPC_TIMEOUT_MS",
  "HTTP_HEADERS_TIMEOUT_MS",
  "HTTP_REQUEST_TIMEOUT_MS",
  "HTTP_KEEP_ALIVE_TIMEOUT_MS",
  "HTTP2_IDLE_TIMEOUT_MS",
  "SHUTDOWN_TIMEOUT_MS",
  "TLS_CERT_FILE",
  "TLS_KEY_FILE",
  "METRICS",
  "METRICS_PORT",
  "METRICS_HOST",
  "OTEL_SERVICE_NAME",
  "OTEL_TRACES_EXPORTER",
] as const;

type ConfigVariable = (typeof configVariables)[number];
export type RawEnv = Partial<Record<ConfigVariable, string>>;

const logLevels = ["trace", "debug", "info", "warn", "error", "fatal", "silent"] as const;
type LogLevel = (typeof logLevels)[number];

interface ServerConfig {
  host: string;
  port: number;
  /** Both files, or null for cleartext (HTTP/1.1 and h2c on one port). */
  tls: { certFile: string; keyFile: string } | null;
  maxRequestBytes: number;
  maxResponseBytes: number;
  /** Largest deadline a client may ask for. */
  maxRpcTimeoutMs: number;
  headersTimeoutMs: number;
  requestTimeoutMs: number;
  keepAliveTimeoutMs: number;
  http2IdleTimeoutMs: number;
  /** Hard deadline for a graceful shutdown; connections still open after it are destroyed. */
  shutdownTimeoutMs: number;
}

interface DatabaseConfig {
  /** A postgres:// URL (or sqlite:/file: URL), or null for SQLite at `sqlitePath`. */
  databaseUrl: string | null;
  sqlitePath: string;
  /** PostgreSQL connections the service keeps (SQLite always uses one). */
  poolSize: number;
}

interface EngineLimitsConfig {
  workflowTimeoutSeconds: number;
  maxLoopIterations: number;
  maxTotalOperations: number;
  maxLoopDepth: number;
  maxParallelNodes: number;
}

interface OutboundConfig {
  routerUrl: string;
  browserSourceUrl: string;
  /** Extra host names or CIDRs outbound calls may reach (lower-case). */
  allowHosts: string[];
  /** Sent as X-API-Key to the router / the browser source. */
  routerApiKey: string | null;
  browserSourceApiKey: string | null;
}

interface RunnerConfig {
  /** Executions one process runs at once. */
  concurrency: number;
  /** How long a claimed execution stays this process's without renewal (crash recovery delay). */
  leaseSeconds: number;
  /** How often the runner looks for work nobody woke it for (other processes' inserts). */
  pollMs: number;
  /** How long a woken runner lets more work gather before one claim statement takes it. */
  claimBatchMs: number;
  /** Waits at least this long park the run in the database; 0 turns parking off. */
  parkAfterMs: number;
  /** How often a watch re-reads the stored state when no event arrives. */
  watchPollMs: number;
  /** Worker threads that run the engine (runs and dry-runs); default: available parallelism. */
  engineWorkers: number;
  /**
   * CPU time one run may spend without returning to its worker's event loop; past it the
   * worker is replaced and the run fails (CPU_LIMIT_EXCEEDED).
   */
  segmentCpuMs: number;
}

interface TriggersConfig {
  /** Runs one community may start per window (every way of starting counts); 0 = no limit. */
  communityRunRate: number;
  communityRunWindowSeconds: number;
  /** 32 bytes (as hex) that seal webhook secrets (AES-256-GCM); null: no signed webhooks. */
  webhookSecretKey: string | null;
  /** How often each process looks for due schedule ticks. */
  schedulerPollMs: number;
}

interface TelemetryConfig {
  serviceName: string;
  /** Prometheus `/metrics`. */
  metrics: boolean;
  /** Serve `/metrics` on its own HTTP/1.1 port instead of the service port. */
  metricsPort: number | null;
  metricsHost: string;
  /** An OTEL_TRACES_EXPORTER other than unset/none; the SDK reads the other OTEL_* itself. */
  tracesExporter: string | null;
}

export interface Config {
  server: ServerConfig;
  db: DatabaseConfig;
  log: { level: LogLevel };
  auth: {
    adminApiKey: string | null;
    /** How often an open stream re-checks its API key and its access to what it streams. */
    streamRecheckMs: number;
  };
  limits: EngineLimitsConfig;
  outbound: OutboundConfig;
  runner: RunnerConfig;
  triggers: TriggersConfig;
  telemetry: TelemetryConfig;
}

const defaultSqlitePath = "./data/workflows.sqlite";
const mib = 1024 * 1024;

/** Thrown by parseConfig; `message` is one line naming every bad variable. */
export class ConfigError extends Error {
  override readonly name = "ConfigError";
  constructor(readonly problems: string[]) {
    super(`invalid configuration: ${problems.join("; ")}`);
  }
}

export function readEnv(env: Record<string, string | undefined>): RawEnv {
  const raw: RawEnv = {};
  for (const name of configVariables) {
    const value = env[name];
    if (value !== undefined) raw[name] = value;
  }
  return raw;
}

/**
 * `defaults.engineWorkers` is the machine's available parallelism (main.ts passes
 * os.availableParallelism()); parseConfig stays pure.
 */
export function parseConfig(raw: RawEnv, defaults: { engineWorkers?: number } = {}): Config {
  const problems: string[] = [];
  const p = new Parser(raw, problems);

  const certFile = p.text("TLS_CERT_FILE");
  const keyFile = p.text("TLS_KEY_FILE");
  if ((certFile === null) !== (keyFile === null)) {
    problems.push("TLS_CERT_FILE and TLS_KEY_FILE must be set together");
  }
  const databaseUrl = p.text("DATABASE_URL");
  const notified = databaseUrl !== null && /^postgres(ql)?:\/\//i.test(databaseUrl);
  if (databaseUrl !== null && !/^(postgres(ql)?:\/\/.+|(sqlite|file):.+)/i.test(databaseUrl)) {
    // The value is not echoed: it may carry a password.
    problems.push("DATABASE_URL must be a postgres://, postgresql://, sqlite: or file: URL");
  }
  const webhookKeyText = p.text("WEBHOOK_SECRET_KEY");
  let webhookSecretKey: string | null = null;
  if (webhookKeyText !== null) {
    const bytes = /^[0-9a-fA-F]{64}$/.test(webhookKeyText)
      ? Buffer.from(webhookKeyText, "hex")
      : Buffer.from(webhookKeyText, "base64");
    // The value is not echoed: it is a key.
    if (bytes.length !== 32)
      problems.push("WEBHOOK_SECRET_KEY must be 32 bytes, as 64 hex digits or base64");
    else webhookSecretKey = bytes.toString("hex");
  }
  const adminApiKey = p.text("ADMIN_API_KEY");
  if (adminApiKey !== null && (adminApiKey.length < 16 || adminApiKey.length > 512)) {
    problems.push("ADMIN_API_KEY must be 16 to 512 characters long");
  }
  const tracesExporter = p.text("OTEL_TRACES_EXPORTER");

  const config: Config = {
    server: {
      host: p.text("HOST") ?? "0.0.0.0",
      port: p.int("PORT", 8070, 0, 65535),
      tls: certFile !== null && keyFile !== null ? { certFile, keyFile } : null,
      maxRequestBytes: p.int("MAX_REQUEST_BYTES", 4 * mib, 1024, 512 * mib),
      maxResponseBytes: p.int("MAX_RESPONSE_BYTES", 4 * mib, 1024, 512 * mib),
      maxRpcTimeoutMs: p.int("MAX_RPC_TIMEOUT_MS", 600_000, 1, 86_400_000),
      headersTimeoutMs: p.int("HTTP_HEADERS_TIMEOUT_MS", 10_000, 1, 3_600_000),
      requestTimeoutMs: p.int("HTTP_REQUEST_TIMEOUT_MS", 60_000, 1, 3_600_000),
      keepAliveTimeoutMs: p.int("HTTP_KEEP_ALIVE_TIMEOUT_MS", 5_000, 1, 3_600_000),
      http2IdleTimeoutMs: p.int("HTTP2_IDLE_TIMEOUT_MS", 300_000, 1, 86_400_000),
      shutdownTimeoutMs: p.int("SHUTDOWN_TIMEOUT_MS", 10_000, 1, 3_600_000),
    },
    db: {
      databaseUrl,
      sqlitePath: p.text("SQLITE_PATH") ?? defaultSqlitePath,
      poolSize: p.int("DATABASE_POOL_SIZE", 10, 2, 1000),
    },
    log: { level: p.oneOf("LOG_LEVEL", logLevels, "info") },
    auth: { adminApiKey, streamRecheckMs: p.int("STREAM_RECHECK_MS", 5000, 10, 600_000) },
    limits: {
      workflowTimeoutSeconds: p.int("WORKFLOW_TIMEOUT", 300, 1, 86_400),
      maxLoopIterations: p.int("MAX_LOOP_ITERATIONS", 100, 1, 1_000_000),
      maxTotalOperations: p.int("MAX_TOTAL_OPERATIONS", 1000, 1, 10_000_000),
      maxLoopDepth: p.int("MAX_LOOP_DEPTH", 10, 1, 1000),
      maxParallelNodes: p.int("MAX_PARALLEL_NODES", 10, 1, 1000),
    },
    outbound: {
      routerUrl: p.url("ROUTER_URL", "http://router-service:8000"),
      browserSourceUrl: p.url("BROWSER_SOURCE_URL", "http://browser-source:8052"),
      allowHosts: p.list("OUTBOUND_ALLOW_HOSTS").map((host) => host.toLowerCase()),
      routerApiKey: p.text("ROUTER_API_KEY"),
      browserSourceApiKey: p.text("BROWSER_SOURCE_API_KEY"),
    },
    runner: {
      concurrency: p.int("RUNNER_CONCURRENCY", 64, 1, 10_000),
      leaseSeconds: p.int("RUNNER_LEASE_SECONDS", 30, 1, 3600),
      // On PostgreSQL notifications wake runners and watchers: the polls are a safety net.
      pollMs: p.int("RUNNER_POLL_MS", notified ? 1000 : 500, 10, 60_000),
      claimBatchMs: p.int("RUNNER_CLAIM_BATCH_MS", 2, 0, 1000),
      parkAfterMs: p.int("RUNNER_PARK_AFTER_MS", 1000, 0, 3_600_000),
      watchPollMs: p.int("WATCH_POLL_MS", notified ? 5000 : 1000, 10, 60_000),
      engineWorkers: p.int("ENGINE_WORKERS", Math.max(1, defaults.engineWorkers ?? 1), 1, 256),
      segmentCpuMs: p.int("RUN_SEGMENT_CPU_MS", 5000, 10, 3_600_000),
    },
    triggers: {
      communityRunRate: p.int("COMMUNITY_RUN_RATE_LIMIT", 0, 0, 1_000_000),
      communityRunWindowSeconds: p.int("COMMUNITY_RUN_RATE_WINDOW_SECONDS", 60, 1, 86_400),
      webhookSecretKey,
      schedulerPollMs: p.int("SCHEDULER_POLL_MS", 250, 10, 60_000),
    },
    telemetry: {
      serviceName: p.text("OTEL_SERVICE_NAME") ?? "waddlebot-workflow",
      metrics: p.bool("METRICS", true),
      metricsPort: p.optionalInt("METRICS_PORT", 0, 65535),
      metricsHost: p.text("METRICS_HOST") ?? "127.0.0.1",
      tracesExporter: tracesExporter === null || tracesExporter === "none" ? null : tracesExporter,
    },
  };
  if (config.server.headersTimeoutMs > config.server.requestTimeoutMs) {
    problems.push("HTTP_HEADERS_TIMEOUT_MS must not exceed HTTP_REQUEST_TIMEOUT_MS");
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return deepFreeze(config);
}

class Parser {
  constructor(
    private readonly raw: RawEnv,
    private readonly problems: string[],
  ) {}

  /** The trimmed value, or null when unset or blank. */
  text(name: ConfigVariable): string | null {
    const value = this.raw[name]?.trim();
    return value === undefined || value === "" ? null : value;
  }

  int(name: ConfigVariable, fallback: number, min: number, max: number): number {
    return this.optionalInt(name, min, max) ?? fallback;
  }

  optionalInt(name: ConfigVariable, min: number, max: number): number | null {
    const value = this.text(name);
    if (value === null) return null;
    const n = /^-?\d+$/.test(value) ? Number(value) : Number.NaN;
    if (!Number.isSafeInteger(n) || n < min || n > max) {
      this.problems.push(`${name} must be an integer from ${min} to ${max} (got ${shown(value)})`);
      return null;
    }
    return n;
  }

  bool(name: ConfigVariable, fallback: boolean): boolean {
    const value = this.text(name)?.toLowerCase();
    if (value === undefined) return fallback;
    if (["true", "1", "yes", "on"].includes(value)) return true;
    if (["false", "0", "no", "off"].includes(value)) return false;
    this.problems.push(`${name} must be true or false (got ${shown(this.text(name) ?? "")})`);
    return fallback;
  }

  oneOf<T extends string>(name: ConfigVariable, allowed: readonly T[], fallback: T): T {
    const value = this.text(name);
    if (value === null) return fallback;
    const match = allowed.find((candidate) => candidate === value.toLowerCase());
    if (match === undefined) {
      this.problems.push(`${name} must be one of ${allowed.join(", ")} (got ${shown(value)})`);
      return fallback;
    }
    return match;
  }

  url(name: ConfigVariable, fallback: string): string {
    const value = this.text(name) ?? fallback;
    let parsed: URL | null = null;
    try {
      parsed = new URL(value);
    } catch {
      parsed = null;
    }
    if (parsed === null || (parsed.protocol !== "http:" && parsed.protocol !== "https:")) {
      this.problems.push(`${name} must be an http:// or https:// URL (got ${shown(value)})`);
      return fallback;
    }
    return value.replace(/\/+$/, "");
  }

  list(name: ConfigVariable): string[] {
    const value = this.text(name);
    if (value === null) return [];
    return value
      .split(",")
      .map((item) => item.trim())
      .filter((item) => item !== "");
  }
}

/** A value quoted for a one-line message (escaped, shortened). */
function shown(value: string): string {
  return JSON.stringify(value.length > 60 ? `${value.slice(0, 60)}...` : value);
}

function deepFreeze<T>(value: T): T {
  if (typeof value === "object" && value !== null) {
    for (const child of Object.values(value)) deepFreeze(child);
    Object.freeze(value);
  }
  return value;
}
