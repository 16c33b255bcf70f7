import type { Dialect } from "../dialect.js";
import type { SqlClient, SqlRow } from "../sql/sql-client.js";

/**
 * Claimable: pending, or running without a live lease (its runner crashed, or released it at
 * shutdown). Oldest first.
 */
const claimable =
  "status in ('pending', 'running') and (status = 'pending' or lease_expires_at is null or lease_expires_at <= ?)";

/**
 * PostgreSQL: one statement. The CTE locks the oldest claimable rows and skips rows another
 * claimer holds, so concurrent claimers (in any process) never take the same execution.
 */
const postgresSql = `
with picked as (
  select execution_id from workflow_executions
  where ${claimable}
  order by created_at, execution_id
  limit ?
  for update skip locked
)
update workflow_executions e
set status = 'running', lease_owner = ?, lease_expires_at = ?,
    start_time = coalesce(e.start_time, ?), claim_count = e.claim_count + 1, updated_at = ?
from picked
where e.execution_id = picked.execution_id
returning e.*`;

/**
 * SQLite: one guarded UPDATE … RETURNING. A statement runs alone (one writer per database),
 * and the outer condition re-checks claimability for writers in other processes.
 */
const sqliteSql = `
update workflow_executions
set status = 'running', lease_owner = ?, lease_expires_at = ?,
    start_time = coalesce(start_time, ?), claim_count = claim_count + 1, updated_at = ?
where execution_id in (
  select execution_id from workflow_executions
  where ${claimable}
  order by created_at, execution_id
  limit ?
) and ${claimable}
returning *`;

/** Claims up to `limit` executions for `owner`; rows come back oldest first. */
export async function claimExecutions(
  sql: SqlClient,
  dialect: Dialect,
  owner: string,
  now: Date,
  leaseUntil: Date,
  limit: number,
): Promise<SqlRow[]> {
  const rows =
    dialect === "postgresql"
      ? await sql.all(postgresSql, [now, limit, owner, leaseUntil, now, now])
      : await sql.all(sqliteSql, [owner, leaseUntil, now, now, now, limit, now]);
  return rows;
}
