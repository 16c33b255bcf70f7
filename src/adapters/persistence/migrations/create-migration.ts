/**
 * Maintainer tool: writes the migration that brings the committed migrations up to the entity
 * schemas, for one dialect. It applies the existing migrations to a scratch database and diffs
 * that live schema against `schemas/` (so no snapshot file is needed), then writes the file
 * into migrations/<dialect>/. Append the new class to that folder's index.ts by hand, and
 * review the SQL before committing it.
 *
 *   node --import tsx src/adapters/persistence/migrations/create-migration.ts sqlite <name>
 *   node --import tsx src/adapters/persistence/migrations/create-migration.ts postgresql <name> [base-url]
 */
import { randomBytes } from "node:crypto";
import { rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { MikroORM } from "@mikro-orm/core";
import type { Migrator } from "@mikro-orm/migrations";
import { ormOptions } from "../database/orm-options.js";
import type { DatabaseTarget } from "../database-target.js";

const [dialect, name, baseUrl = "postgres://postgres@127.0.0.1:5432/postgres"] =
  process.argv.slice(2);
if ((dialect !== "sqlite" && dialect !== "postgresql") || !name || !/^[a-z0-9-]+$/.test(name)) {
  console.error("usage: create-migration.ts <sqlite|postgresql> <kebab-name> [postgres-base-url]");
  process.exit(2);
}

const folder = join(dirname(fileURLToPath(import.meta.url)), dialect);
const scratch = `wf_migration_${randomBytes(4).toString("hex")}`;
const target: DatabaseTarget =
  dialect === "sqlite"
    ? { dialect, path: join(tmpdir(), `${scratch}.sqlite`) }
    : { dialect, url: withDatabase(baseUrl, scratch) };

if (target.dialect === "postgresql") await admin(`create database ${scratch}`);
try {
  const config = await ormOptions(target, { debug: false, poolSize: 1 });
  const orm = await MikroORM.init({
    ...config,
    migrations: {
      ...config.migrations,
      path: folder,
      pathTs: folder,
      emit: "ts",
      fileName: (timestamp: string) => `${timestamp}-${name}`,
    },
  });
  try {
    const migrator = orm.migrator as Migrator;
    await migrator.up();
    const result = await migrator.create(folder, false, false, name.replace(/-/g, "_"));
    console.log(
      result.fileName ? `wrote ${join(folder, result.fileName)}` : "schema is up to date",
    );
  } finally {
    await orm.close(true);
  }
} finally {
  if (target.dialect === "postgresql") await admin(`drop database if exists ${scratch}`);
  else await rm(target.path, { force: true });
}

async function admin(sql: string): Promise<void> {
  const config = await ormOptions(
    { dialect: "postgresql", url: baseUrl },
    { debug: false, poolSize: 1 },
  );
  const orm = await MikroORM.init({
    ...config,
    entities: [],
    discovery: { warnWhenNoEntities: false },
  });
  try {
    await orm.em.getConnection().execute(sql);
  } finally {
    await orm.close(true);
  }
}

function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
}
