/**
 * One service child on a fresh database for the duration of `work`: the child is stopped and
 * the database dropped afterwards, also when `work` fails.
 */
import { randomBytes } from "node:crypto";
import { type BenchClients, connectClients } from "./bench-clients.js";
import { type BenchDialect, createBenchDatabase, databaseEnv } from "./bench-database.js";
import { postgresBackendsCpuMs, type ServiceGauges } from "./cpu-use.js";
import { type ServiceChild, startServiceChild } from "./service-child.js";

export interface ServiceSettings {
  dialect: BenchDialect;
  /** Extra variables (RUNNER_CONCURRENCY, ...). */
  env?: Record<string, string>;
  nodeArgs?: string[];
}

export async function withService<T>(
  settings: ServiceSettings,
  work: (clients: BenchClients, cpu: ServiceGauges, pid: number) => Promise<T>,
): Promise<T> {
  const db = await createBenchDatabase(settings.dialect);
  let child: ServiceChild | null = null;
  let clients: BenchClients | null = null;
  try {
    const adminKey = `bench-admin-${randomBytes(16).toString("hex")}`;
    child = await startServiceChild({
      env: {
        ...databaseEnv(db),
        ADMIN_API_KEY: adminKey,
        LOG_LEVEL: "warn",
        ...settings.env,
      },
      nodeArgs: settings.nodeArgs,
    });
    clients = connectClients(child.url, adminKey);
    const service = child;
    const databaseName =
      db.databaseUrl === undefined ? null : new URL(db.databaseUrl).pathname.slice(1);
    return await work(
      clients,
      {
        cpuMs: () => service.cpuMs(),
        mainThread: () => service.mainThread(),
        loopDelay: () => service.loopDelay(),
        ...(databaseName === null
          ? {}
          : { databaseCpuMs: () => postgresBackendsCpuMs(databaseName) }),
      },
      service.pid,
    );
  } finally {
    clients?.close();
    const code = await child?.stop();
    if (child !== null && (code !== 0 || child.output().trim() !== "")) {
      // LOG_LEVEL=warn: anything here is a warning, an error or a crash.
      process.stderr.write(`service exited with ${code}; its last output:\n${child.output()}\n`);
    }
    await db.drop();
  }
}
