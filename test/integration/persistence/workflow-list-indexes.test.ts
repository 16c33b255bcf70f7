/**
 * The workflow list's statements use the indexes of migration 20261125-03, on the dialect the
 * run selects. The repositories run over a database that first asks the database for the plan
 * of every SELECT they issue (EXPLAIN QUERY PLAN on SQLite, EXPLAIN (COSTS OFF) on PostgreSQL),
 * so the plans checked are those of the statements the code really sends, with its parameters.
 *
 * The data is big enough for PostgreSQL's choice to be clear-cut (thousands of workflows and
 * grants, 20,000 executions), and its statistics are exact: VACUUM ANALYZE samples every row of
 * tables this small, so the plans do not vary between runs. SQLite is left without ANALYZE, as
 * the service runs it.
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { MikroORM } from "@mikro-orm/core";
import { CompiledQuery, type Kysely } from "kysely";
import { ormOptions } from "../../../src/adapters/persistence/database/orm-options.js";
import {
  SqlDatabase,
  type StatementResult,
} from "../../../src/adapters/persistence/database/sql-database.js";
import type { Statement } from "../../../src/adapters/persistence/database/statement.js";
import { tableColumns } from "../../../src/adapters/persistence/database/table-columns.js";
import { resolveDatabaseTarget } from "../../../src/adapters/persistence/database-target.js";
import type { Dialect } from "../../../src/adapters/persistence/dialect.js";
import type { Database } from "../../../src/adapters/persistence/entities/index.js";
import { SqlExecutionRepository } from "../../../src/adapters/persistence/repositories/sql-execution-repository.js";
import { SqlWorkflowRepository } from "../../../src/adapters/persistence/repositories/sql-workflow-repository.js";
import { runMigrations } from "../../../src/adapters/persistence/run-migrations.js";
import type { Principal } from "../../../src/domain/permissions/principal.js";
import { createTestDatabase, type TestDatabase } from "../../support/test-database.js";
import { aPrincipal } from "./fixtures.js";

const workflowCount = 3000;
const communityCount = 30;
const grantCount = 6000;
const executionCount = 20_000;
/** Executions go to every `executionStride`-th workflow: 100 workflows with 200 each. */
const executionStride = 30;

interface Explained {
  sql: string;
  plan: string;
}

/** Runs every statement as the service does; first records the plan of each SELECT. */
class ExplainingDatabase extends SqlDatabase {
  readonly plans: Explained[] = [];

  override async run<P, R>(
    statement: Statement<P, R>,
    values: P,
    db: Kysely<Database> = this.kysely,
  ): Promise<StatementResult<R>> {
    const query = this.compile(statement, values);
    if (/^\s*select\b/i.test(query.sql)) {
      const prefix = this.dialect === "sqlite" ? "explain query plan " : "explain (costs off) ";
      const { rows } = await db.executeQuery<Record<string, unknown>>(
        CompiledQuery.raw(prefix + query.sql, [...query.parameters]),
      );
      const lines = rows.map((row) =>
        String(this.dialect === "sqlite" ? row.detail : row["QUERY PLAN"]),
      );
      this.plans.push({ sql: query.sql, plan: lines.join("\n") });
    }
    return super.run(statement, values, db);
  }

  /** Plain SQL, for seeding and reading the catalog. */
  async sql(text: string, params: unknown[] = []): Promise<Record<string, unknown>[]> {
    const result = await this.kysely.executeQuery<Record<string, unknown>>(
      CompiledQuery.raw(text, params),
    );
    return result.rows;
  }

  /** The plans of the SELECTs that `call` issued. */
  async plansOf(call: () => Promise<unknown>): Promise<Explained[]> {
    const start = this.plans.length;
    await call();
    return this.plans.slice(start);
  }
}

function planOf(plans: Explained[], statement: RegExp): string {
  const found = plans.filter((p) => statement.test(p.sql));
  assert.equal(found.length, 1, `one statement matching ${statement}, got ${plans.length} plans`);
  return (found[0] as Explained).plan;
}

const workflowPage =
  /^select "w"\.\* from "workflows" as "w".* order by "w"\."updated_at" desc, "w"\."workflow_id" limit/s;

describe("workflow list indexes", () => {
  let database: TestDatabase;
  let orm: MikroORM;
  let sql: ExplainingDatabase;
  let dialect: Dialect;
  let workflows: SqlWorkflowRepository;
  let executions: SqlExecutionRepository;

  // Wired as openPersistence wires the repositories, with the explaining database in between.
  before(async () => {
    database = await createTestDatabase();
    const target = resolveDatabaseTarget(database.databaseUrl, database.sqlitePath);
    dialect = target.dialect;
    orm = await MikroORM.init(await ormOptions(target, { debug: false, poolSize: 2 }));
    await orm.connect();
    sql = new ExplainingDatabase(orm, dialect, tableColumns(orm));
    await runMigrations(orm, sql);
    await seed(sql, dialect);
    workflows = new SqlWorkflowRepository(sql);
    executions = new SqlExecutionRepository(sql);
  });

  after(async () => {
    await sql?.drain();
    await orm?.close(true);
    await database?.drop();
  });

  test("the migration's indexes exist with their columns", async () => {
    assert.deepEqual(await indexColumns(sql, "workflows_updated_idx"), [
      "updated_at desc",
      "workflow_id",
      "owner_user_id",
      "community_id",
    ]);
    assert.deepEqual(await indexColumns(sql, "workflow_permissions_target_idx"), [
      "target_type",
      "target_id",
      "workflow_id",
    ]);
    assert.deepEqual(await indexColumns(sql, "workflow_executions_list_idx"), [
      "workflow_id",
      "created_at desc",
      "execution_id desc",
      "status",
    ]);
  });

  test("an admin's list without a community reads workflows_updated_idx in order, no sort", async () => {
    const admin = aPrincipal({ admin: true });
    const plans = await sql.plansOf(async () => {
      const page = await workflows.list({ viewer: admin }, 1, 20);
      assert.equal(page.total, workflowCount);
      assert.equal(page.items.length, 20);
    });
    assertOrderedByIndex(planOf(plans, workflowPage), "workflows_updated_idx");
  });

  test("a non-admin's list without a community reads workflows_updated_idx in order, no sort", async () => {
    const plans = await sql.plansOf(async () => {
      const page = await workflows.list({ viewer: member() }, 1, 20);
      assert.ok(page.total > 20, `the member sees more than a page (${page.total})`);
      assert.equal(page.items.length, 20);
    });
    assertOrderedByIndex(planOf(plans, workflowPage), "workflows_updated_idx");
  });

  test("a non-admin's list in a community keeps its community index; PostgreSQL finds the grants by target", async () => {
    const plans = await sql.plansOf(() =>
      workflows.list({ viewer: member(), communityId: 4 }, 1, 20),
    );
    const plan = planOf(plans, workflowPage);
    assertOrderedByIndex(plan, "workflows_community_updated_idx");
    if (dialect === "postgresql") {
      assert.match(
        plan,
        /(Bitmap Index Scan on|Index (Only )?Scan using) workflow_permissions_target_idx/,
        plan,
      );
      assert.doesNotMatch(plan, /Seq Scan on workflow_permissions/, plan);
    }
  });

  test("the execution statistics of a page are read from workflow_executions_list_idx alone", async () => {
    const ids = Array.from({ length: 20 }, (_, k) => workflowId(1 + k * executionStride));
    const plans = await sql.plansOf(async () => {
      const stats = await workflows.executionStats(ids);
      assert.equal(stats.size, 20);
      for (const entry of stats.values()) {
        assert.equal(entry.executionCount, executionCount / (workflowCount / executionStride));
        assert.equal(entry.successCount + entry.failureCount, entry.executionCount);
      }
    });
    const plan = planOf(plans, /from "workflow_executions"/);
    if (dialect === "sqlite") {
      assert.match(
        plan,
        /USING COVERING INDEX workflow_executions_list_idx \(workflow_id=\?\)/,
        plan,
      );
    } else {
      assert.match(plan, /Index Only Scan using workflow_executions_list_idx/, plan);
      assert.doesNotMatch(plan, /Seq Scan|Heap Scan/, plan);
    }
  });

  test("an execution listing, newest first, still reads workflow_executions_list_idx in order", async () => {
    const plans = await sql.plansOf(() =>
      executions.list({ workflowId: workflowId(1) }, { kind: "offset", page: 1, perPage: 20 }),
    );
    assertOrderedByIndex(
      planOf(plans, /^select \* from "workflow_executions"/),
      "workflow_executions_list_idx",
    );
  });

  /** A viewer with a user grant, a role and two communities, owning a few workflows. */
  function member(): Principal {
    return aPrincipal({ userId: "user-7", roles: ["role-3"], communityIds: [4, 9] });
  }

  function assertOrderedByIndex(plan: string, index: string): void {
    if (dialect === "sqlite") {
      assert.match(
        plan,
        new RegExp(`(SCAN|SEARCH) w\\w* USING (COVERING )?INDEX ${index}\\b`),
        plan,
      );
      assert.doesNotMatch(plan, /USE TEMP B-TREE FOR ORDER BY/, plan);
    } else {
      assert.match(plan, new RegExp(`Index (Only )?Scan( Backward)? using ${index} on`), plan);
      assert.doesNotMatch(plan, /Sort Key/, plan);
    }
  }
});

function workflowId(n: number): string {
  return `wf-${String(n).padStart(5, "0")}`;
}

/**
 * Workflows 1..3000 over 30 communities and 300 owners, updated in an order unrelated to their
 * ids; 6000 grants to users, roles and communities (some without can_view); 20,000 executions
 * over 100 workflows, mostly completed, some failed.
 */
async function seed(sql: ExplainingDatabase, dialect: Dialect): Promise<void> {
  const pad = (column: string) =>
    dialect === "sqlite"
      ? `printf('wf-%05d', ${column})`
      : `'wf-' || lpad((${column})::text, 5, '0')`;
  const text = (column: string) =>
    dialect === "sqlite" ? `cast(${column} as text)` : `(${column})::text`;
  const time = (seconds: string) =>
    dialect === "sqlite"
      ? `(1772600000 + ${seconds}) * 1000`
      : `to_timestamp(1772600000 + ${seconds})`;
  const series = (count: number) =>
    dialect === "sqlite"
      ? `(with recursive s(i) as (select 1 union all select i + 1 from s where i < ${count}) select i from s) g`
      : `generate_series(1, ${count}) g(i)`;

  await sql.sql(`
    insert into workflows (workflow_id, community_id, entity_id, name, description, tags, status,
      version, definition, owner_user_id, created_at, updated_at, published_version, published_at)
    select ${pad("i")}, i % ${communityCount}, i % 7, 'workflow ' || ${text("i")}, 'does things', '[]',
      case i % 3 when 0 then 'draft' when 1 then 'published' else 'archived' end, 1,
      '{"nodes":[],"connections":[]}', 'user-' || ${text("i % 300")}, ${time("i")},
      ${time("((i * 7919) % 3000) * 60")}, null, null
    from ${series(workflowCount)}`);
  await sql.sql(`
    insert into workflow_permissions (workflow_id, target_type, target_id, can_view, can_edit,
      can_execute, can_delete, can_manage_permissions, granted_by, granted_at)
    select ${pad(`1 + (i * 37) % ${workflowCount}`)},
      case i % 4 when 0 then 'role' when 1 then 'community' else 'user' end,
      case i % 4
        when 0 then 'role-' || ${text("i % 20")}
        when 1 then ${text(`(1 + (i * 37) % ${workflowCount}) % ${communityCount}`)}
        else 'user-' || ${text("i % 300")}
      end,
      i % 5 <> 0, false, false, false, false,
      'owner', ${time("0")}
    from ${series(grantCount)}
    where true -- SQLite needs a WHERE before an upsert clause after SELECT
    on conflict do nothing`);
  await sql.sql(`
    insert into workflow_executions (execution_id, workflow_id, workflow_version, status,
      community_id, entity_id, triggered_by, trigger, input_variables, created_at, failed_nodes,
      final_output, final_variables, updated_at)
    select 'ex-' || ${text("i")}, ${pad(`1 + (i % ${workflowCount / executionStride}) * ${executionStride}`)}, 1,
      case when i % 10 < 8 then 'completed' else 'failed' end, 1, 1, 'user-1',
      '{"triggerNodeId":"start","data":{"message":"!hello"}}', '{"name":"Ada"}', ${time("i")}, '[]',
      '{"text":"hello, bob"}', '{"greeting":"hello"}', ${time("i")}
    from ${series(executionCount)}`);
  if (dialect === "postgresql") {
    for (const table of ["workflows", "workflow_permissions", "workflow_executions"]) {
      await sql.sql(`vacuum analyze ${table}`);
    }
  }
}

/** The key columns of an index, in order, as `name` or `name desc`, from the catalog. */
async function indexColumns(sql: ExplainingDatabase, index: string): Promise<string[]> {
  if (sql.dialect === "sqlite") {
    const rows = (await sql.sql(
      "select name, desc from pragma_index_xinfo(?) where key = 1 order by seqno",
      [index],
    )) as { name: string; desc: number }[];
    return rows.map((row) => (row.desc ? `${row.name} desc` : row.name));
  }
  const rows = (await sql.sql(
    "select indexdef from pg_indexes where schemaname = current_schema() and indexname = $1",
    [index],
  )) as { indexdef: string }[];
  const definition = rows[0]?.indexdef ?? "";
  const columns = /USING btree \((.*)\)$/.exec(definition)?.[1];
  assert.ok(columns, `index ${index} exists: ${definition}`);
  return columns.split(", ").map((column) => column.replace(/ DESC$/, " desc"));
}
