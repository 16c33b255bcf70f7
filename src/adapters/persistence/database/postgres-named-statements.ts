import pg from "pg";

/** Names given so far, by SQL text; statements past the cap run unnamed. */
const names = new Map<string, string>();
const maxNames = 1000;

/**
 * Gives a compiled statement's SQL a prepared-statement name, so each PostgreSQL connection
 * parses and plans it once instead of on every execution. Only the bounded set of statements
 * compiled by `Statement` is named.
 */
export function nameStatement(sql: string): void {
  if (names.size < maxNames && !names.has(sql)) names.set(sql, `wf_${names.size + 1}`);
}

/**
 * The `pg` client MikroORM's pool creates (its `Client` option): a query with named SQL text
 * runs as that named prepared statement. Kysely calls `query(sql, parameters)`.
 */
export class NamedStatementClient extends pg.Client {
  // biome-ignore lint/suspicious/noExplicitAny: pg's query overloads cannot be restated here.
  override query(...args: any[]): any {
    const [text, values] = args;
    if (args.length === 2 && typeof text === "string" && Array.isArray(values)) {
      const name = names.get(text);
      if (name !== undefined) return super.query({ name, text, values });
    }
    // biome-ignore lint/suspicious/noExplicitAny: as above.
    return (super.query as (...a: any[]) => any)(...args);
  }
}
