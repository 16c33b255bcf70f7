import type { MikroORM } from "@mikro-orm/core";
import type { SqlEntityManager } from "@mikro-orm/knex";
import type { Dialect } from "./dialect.js";
import type { DbValues } from "./sql/db-values.js";
import type { SqlClient } from "./sql/sql-client.js";

/**
 * What every repository gets. Reads and hot-path writes use `sql` (prepared statements on the
 * ORM's pool); the remaining writes go through a fresh ORM fork per operation, never the
 * global entity manager.
 */
export class PersistenceContext {
  constructor(
    private readonly orm: MikroORM,
    readonly dialect: Dialect,
    readonly sql: SqlClient,
    readonly values: DbValues,
  ) {}

  /** A new entity manager with an empty identity map, for one operation or transaction. */
  fork(): SqlEntityManager {
    return this.orm.em.fork({ clear: true }) as SqlEntityManager;
  }
}
