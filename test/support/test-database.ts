/**
 * A fresh, empty database for one test file (or one test), on the dialect the run selects:
 *
 *   TEST_DATABASE      sqlite (default) | postgresql
 *   TEST_POSTGRES_URL  server to create databases on (default postgres://postgres@127.0.0.1:5432/test)
 *
 * Usage (with the persistence adapter, or to start the server on a fresh database):
 *
 *   const db = await createTestDatabase();
 *   after(() => db.drop());
 *   const persistence = await openPersistence({ databaseUrl: db.databaseUrl, sqlitePath: db.sqlitePath });
 *
 * PostgreSQL: creates `wf_test_<random>` through the server URL; drop() ends its connections and
 * drops it. SQLite: a file in a new folder under os.tmpdir(); drop() removes the folder. The
 * database is empty; openPersistence (migrate: true by default) creates the schema. A PostgreSQL
 * that cannot be reached makes createTestDatabase reject: the test fails, it is never skipped.
 */
import { randomBytes } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { MikroORM } from "@mikro-orm/core";
import { PostgreSqlDriver } from "@mikro-orm/postgresql";

export type TestDialect = "sqlite" | "postgresql";

export interface TestDatabase {
  dialect: TestDialect;
  /** The PostgreSQL URL of the new database; undefined on SQLite runs. */
  databaseUrl: string | undefined;
  /** The SQLite file (inside a fresh temp folder); set on both runs, used only on SQLite. */
  sqlitePath: string;
  /** Removes the database (PostgreSQL: after ending its open connections). */
  drop(): Promise<void>;
}

export const defaultTestPostgresUrl = "postgres://postgres@127.0.0.1:5432/test";

export function testDialect(env: NodeJS.ProcessEnv = process.env): TestDialect {
  const value = (env.TEST_DATABASE ?? "sqlite").trim().toLowerCase();
  if (value === "sqlite" || value === "") return "sqlite";
  if (value === "postgresql" || value === "postgres") return "postgresql";
  throw new Error(`TEST_DATABASE must be sqlite or postgresql, not ${value}`);
}

export async function createTestDatabase(): Promise<TestDatabase> {
  const folder = await mkdtemp(join(tmpdir(), "wf-test-"));
  const sqlitePath = join(folder, "workflows.sqlite");
  const removeFolder = () => rm(folder, { recursive: true, force: true });
  if (testDialect() === "sqlite") {
    return { dialect: "sqlite", databaseUrl: undefined, sqlitePath, drop: removeFolder };
  }
  const serverUrl = process.env.TEST_POSTGRES_URL?.trim() || defaultTestPostgresUrl;
  const name = `wf_test_${randomBytes(6).toString("hex")}`;
  await onServer(serverUrl, [`create database "${name}"`]);
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return {
    dialect: "postgresql",
    databaseUrl: url.toString(),
    sqlitePath,
    drop: async () => {
      await onServer(serverUrl, [
        `select pg_terminate_backend(pid) from pg_stat_activity where datname = '${name}' and pid <> pg_backend_pid()`,
        `drop database if exists "${name}" with (force)`,
      ]);
      await removeFolder();
    },
  };
}

/** Runs statements on the server's own database, then disconnects (no open handles remain). */
async function onServer(serverUrl: string, statements: string[]): Promise<void> {
  const orm = await MikroORM.init({
    driver: PostgreSqlDriver,
    clientUrl: serverUrl,
    entities: [],
    discovery: { warnWhenNoEntities: false },
    ensureDatabase: false,
    pool: { min: 0, max: 1 },
  });
  try {
    await orm.connect().catch(() => undefined);
    const status = await orm.checkConnection();
    if (!status.ok) {
      throw new Error(`PostgreSQL at ${redact(serverUrl)} is unreachable: ${status.reason}`, {
        cause: status.error,
      });
    }
    for (const statement of statements) await orm.em.getConnection().execute(statement);
  } finally {
    await orm.close(true);
  }
}

function redact(url: string): string {
  return url.replace(/\/\/[^@/]*@/, "//***@");
}
