import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { ConfigError, configVariables, parseConfig, readEnv } from "../../src/config.js";

function problemsOf(raw: Record<string, string>): string[] {
  try {
    parseConfig(raw);
  } catch (error) {
    assert.ok(error instanceof ConfigError);
    assert.doesNotMatch(error.message, /\n/, "one line");
    return error.problems;
  }
  assert.fail("expected a ConfigError");
}

describe("readEnv", () => {
  it("picks only the service's variables", () => {
    const raw = readEnv({ PORT: "1", PATH: "/bin", HOME: "/root", LOG_LEVEL: "debug" });
    assert.deepEqual(raw, { PORT: "1", LOG_LEVEL: "debug" });
  });

  it("knows every variable it documents once", () => {
    assert.equal(new Set(configVariables).size, configVariables.length);
  });
});

describe("parseConfig", () => {
  it("applies the documented defaults", () => {
    const config = parseConfig({});
    assert.equal(config.server.port, 8070);
    assert.equal(config.server.host, "0.0.0.0");
    assert.equal(config.server.tls, null);
    assert.equal(config.server.maxRequestBytes, 4 * 1024 * 1024);
    assert.equal(config.db.databaseUrl, null);
    assert.equal(config.db.sqlitePath, "./data/workflows.sqlite");
    assert.equal(config.db.poolSize, 10);
    assert.equal(config.log.level, "info");
    assert.equal(config.auth.adminApiKey, null);
    assert.deepEqual(config.limits, {
      workflowTimeoutSeconds: 300,
      maxLoopIterations: 100,
      maxTotalOperations: 1000,
      maxLoopDepth: 10,
      maxParallelNodes: 10,
    });
    assert.equal(config.outbound.routerUrl, "http://router-service:8000");
    assert.equal(config.outbound.browserSourceUrl, "http://browser-source:8052");
    assert.deepEqual(config.outbound.allowHosts, []);
    assert.equal(config.telemetry.metrics, true);
    assert.equal(config.telemetry.metricsPort, null);
    assert.equal(config.telemetry.tracesExporter, null);
  });

  it("reads every value it is given", () => {
    const config = parseConfig({
      PORT: "9000",
      HOST: "127.0.0.1",
      DATABASE_URL: "postgres://u:p@db:5432/wf",
      SQLITE_PATH: "/tmp/x.sqlite",
      DATABASE_POOL_SIZE: "24",
      LOG_LEVEL: "WARN",
      ADMIN_API_KEY: "0123456789abcdef",
      ROUTER_URL: "https://router.example/",
      OUTBOUND_ALLOW_HOSTS: " Hooks.Example.com , 10.0.0.0/8 ,",
      WORKFLOW_TIMEOUT: "60",
      MAX_LOOP_ITERATIONS: "5",
      MAX_REQUEST_BYTES: "65536",
      TLS_CERT_FILE: "/c.pem",
      TLS_KEY_FILE: "/k.pem",
      METRICS: "off",
      METRICS_PORT: "9464",
      OTEL_TRACES_EXPORTER: "otlp",
    });
    assert.equal(config.server.port, 9000);
    assert.equal(config.server.host, "127.0.0.1");
    assert.equal(config.db.databaseUrl, "postgres://u:p@db:5432/wf");
    assert.equal(config.db.sqlitePath, "/tmp/x.sqlite");
    assert.equal(config.db.poolSize, 24);
    assert.equal(config.log.level, "warn");
    assert.equal(config.auth.adminApiKey, "0123456789abcdef");
    assert.equal(config.outbound.routerUrl, "https://router.example");
    assert.deepEqual(config.outbound.allowHosts, ["hooks.example.com", "10.0.0.0/8"]);
    assert.equal(config.limits.workflowTimeoutSeconds, 60);
    assert.equal(config.limits.maxLoopIterations, 5);
    assert.equal(config.server.maxRequestBytes, 65536);
    assert.deepEqual(config.server.tls, { certFile: "/c.pem", keyFile: "/k.pem" });
    assert.equal(config.telemetry.metrics, false);
    assert.equal(config.telemetry.metricsPort, 9464);
    assert.equal(config.telemetry.tracesExporter, "otlp");
  });

  it("sizes the engine pool from the machine unless ENGINE_WORKERS says otherwise", () => {
    assert.equal(parseConfig({}, { engineWorkers: 6 }).runner.engineWorkers, 6);
    assert.equal(parseConfig({}).runner.engineWorkers, 1);
    assert.equal(
      parseConfig({ ENGINE_WORKERS: "3" }, { engineWorkers: 6 }).runner.engineWorkers,
      3,
    );
    assert.equal(parseConfig({}).runner.segmentCpuMs, 5000);
    assert.equal(parseConfig({ RUN_SEGMENT_CPU_MS: "250" }).runner.segmentCpuMs, 250);
  });

  it("treats blank values as unset and OTEL_TRACES_EXPORTER=none as off", () => {
    const config = parseConfig({ PORT: "  ", DATABASE_URL: "", OTEL_TRACES_EXPORTER: "none" });
    assert.equal(config.server.port, 8070);
    assert.equal(config.db.databaseUrl, null);
    assert.equal(config.telemetry.tracesExporter, null);
  });

  it("returns a frozen config", () => {
    const config = parseConfig({});
    assert.ok(Object.isFrozen(config));
    assert.ok(Object.isFrozen(config.server));
    assert.ok(Object.isFrozen(config.outbound.allowHosts));
  });

  it("names the variable of a bad value", () => {
    for (const [name, value] of [
      ["PORT", "http"],
      ["PORT", "70000"],
      ["PORT", "-1"],
      ["PORT", "80.5"],
      ["WORKFLOW_TIMEOUT", "0"],
      ["MAX_LOOP_ITERATIONS", "many"],
      ["DATABASE_POOL_SIZE", "1"],
      ["MAX_TOTAL_OPERATIONS", "1e3"],
      ["MAX_LOOP_DEPTH", "0"],
      ["MAX_PARALLEL_NODES", "0"],
      ["MAX_REQUEST_BYTES", "12"],
      ["LOG_LEVEL", "loud"],
      ["METRICS", "maybe"],
      ["ROUTER_URL", "router-service:8000"],
      ["BROWSER_SOURCE_URL", "ftp://browser-source"],
      ["DATABASE_URL", "mysql://db/wf"],
      ["ADMIN_API_KEY", "short"],
      ["ENGINE_WORKERS", "0"],
      ["ENGINE_WORKERS", "all"],
      ["RUN_SEGMENT_CPU_MS", "5"],
    ] as const) {
      const problems = problemsOf({ [name]: value });
      assert.equal(problems.length, 1, `${name}=${value}: ${problems.join("; ")}`);
      assert.ok(problems[0]?.startsWith(`${name} `), problems[0]);
    }
  });

  it("reports every bad variable at once, in one line", () => {
    const error = (() => {
      try {
        parseConfig({ PORT: "abc", LOG_LEVEL: "loud", MAX_LOOP_DEPTH: "-3", TLS_CERT_FILE: "/c" });
      } catch (e) {
        return e as ConfigError;
      }
      return assert.fail("expected a ConfigError");
    })();
    assert.equal(error.problems.length, 4);
    for (const name of ["PORT", "LOG_LEVEL", "MAX_LOOP_DEPTH", "TLS_KEY_FILE"]) {
      assert.match(error.message, new RegExp(name));
    }
    assert.match(error.message, /^invalid configuration: /);
    assert.doesNotMatch(error.message, /\n/);
  });

  it("never echoes secrets or multi-line values", () => {
    const problems = problemsOf({
      DATABASE_URL: "mysql://user:hunter2@db/wf",
      ADMIN_API_KEY: "hunter3",
      PORT: "80\n81",
    });
    const text = problems.join("; ");
    assert.doesNotMatch(text, /hunter2|hunter3/);
    assert.doesNotMatch(text, /\n/);
  });

  it("accepts sqlite and file DATABASE_URLs beside postgres ones", () => {
    assert.equal(
      parseConfig({ DATABASE_URL: "postgresql://db/wf" }).db.databaseUrl,
      "postgresql://db/wf",
    );
    assert.equal(
      parseConfig({ DATABASE_URL: "sqlite:/tmp/a.sqlite" }).db.databaseUrl,
      "sqlite:/tmp/a.sqlite",
    );
    assert.equal(
      parseConfig({ DATABASE_URL: "file:/tmp/a.sqlite" }).db.databaseUrl,
      "file:/tmp/a.sqlite",
    );
  });

  it("requires the headers timeout to be at most the request timeout", () => {
    const problems = problemsOf({
      HTTP_HEADERS_TIMEOUT_MS: "70000",
      HTTP_REQUEST_TIMEOUT_MS: "60000",
    });
    assert.equal(problems.length, 1);
    assert.match(problems[0] ?? "", /^HTTP_HEADERS_TIMEOUT_MS /);
  });
});
