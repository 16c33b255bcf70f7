import type { KnexPool } from "./knex-pool.js";
import type { SqlClient, SqlParam, SqlRow, SqlStatement } from "./sql-client.js";

/** The slice of a node-postgres client used here. */
export interface PgClient {
  query(config: { text: string; values: unknown[]; name?: string }): Promise<{
    rows: unknown[];
    rowCount: number | null;
  }>;
}

const names = new Map<string, { text: string; name: string }>();

/**
 * PostgreSQL through clients of the ORM's pool. Every statement is a named prepared statement,
 * so each connection parses and plans it once.
 */
export class PostgresSqlClient implements SqlClient {
  readonly dialect = "postgresql" as const;

  constructor(private readonly pool: KnexPool<PgClient>) {}

  async all<T extends SqlRow = SqlRow>(
    sql: string,
    params: readonly SqlParam[] = [],
  ): Promise<T[]> {
    const client = await this.pool.acquireConnection();
    try {
      return (await execute(client, sql, params)).rows as T[];
    } finally {
      await this.pool.releaseConnection(client);
    }
  }

  async run(sql: string, params: readonly SqlParam[] = []): Promise<number> {
    const client = await this.pool.acquireConnection();
    try {
      return (await execute(client, sql, params)).rowCount ?? 0;
    } finally {
      await this.pool.releaseConnection(client);
    }
  }

  atomic(statements: readonly SqlStatement[]): Promise<number[]> {
    return this.transaction((tx) => tx.atomic(statements));
  }

  /** Every statement is awaited by its caller; nothing is buffered here. */
  async drain(): Promise<void> {}

  async transaction<T>(work: (tx: SqlClient) => Promise<T>): Promise<T> {
    const client = await this.pool.acquireConnection();
    try {
      await client.query({ text: "begin", values: [] });
      try {
        const result = await work(new PostgresTransaction(client));
        await client.query({ text: "commit", values: [] });
        return result;
      } catch (error) {
        // A broken connection cannot roll back; the original error is the one worth reporting.
        await client.query({ text: "rollback", values: [] }).catch(() => undefined);
        throw error;
      }
    } finally {
      await this.pool.releaseConnection(client);
    }
  }
}

class PostgresTransaction implements SqlClient {
  readonly dialect = "postgresql" as const;

  constructor(private readonly client: PgClient) {}

  async all<T extends SqlRow = SqlRow>(
    sql: string,
    params: readonly SqlParam[] = [],
  ): Promise<T[]> {
    return (await execute(this.client, sql, params)).rows as T[];
  }

  async run(sql: string, params: readonly SqlParam[] = []): Promise<number> {
    return (await execute(this.client, sql, params)).rowCount ?? 0;
  }

  async atomic(statements: readonly SqlStatement[]): Promise<number[]> {
    const changes: number[] = [];
    for (const s of statements) changes.push(await this.run(s.sql, s.params));
    return changes;
  }

  transaction<T>(work: (tx: SqlClient) => Promise<T>): Promise<T> {
    return work(this);
  }

  async drain(): Promise<void> {}
}

function execute(client: PgClient, sql: string, params: readonly SqlParam[]) {
  let prepared = names.get(sql);
  if (prepared === undefined) {
    prepared = { text: numberPlaceholders(sql), name: `wf_${names.size + 1}` };
    names.set(sql, prepared);
  }
  return client.query({ text: prepared.text, values: params.map(withoutNul), name: prepared.name });
}

/**
 * PostgreSQL text and jsonb cannot hold NUL (a webhook may well answer with one): it is stored
 * as U+FFFD, raw or as a JSON escape. Inputs with NUL are refused earlier, as BAD_REQUEST.
 */
function withoutNul(value: SqlParam): SqlParam {
  if (typeof value !== "string" || (!value.includes("\0") && !value.includes("\\u0000"))) {
    return value;
  }
  return value.replace(/\0/g, "\uFFFD").replace(/(?<!\\)((?:\\\\)*)\\u0000/g, "$1\\ufffd");
}

/** `?` → `$1, $2, …` (the SQL here never has `?` inside literals). */
function numberPlaceholders(sql: string): string {
  let index = 0;
  return sql.replace(/\?/g, () => `$${++index}`);
}
