import type { Dialect } from "../dialect.js";
import type { SqlClient, SqlRow } from "../sql/sql-client.js";

/**
 * What a claim takes, oldest first: pending runs, and running ones whose lease ran out (their
 * runner crashed, or released them at shutdown). Each source has its own partial index
 * (workflow_executions_pending_idx, workflow_executions_lease_idx), so a claim reads only
 * claimable rows, however many runs are in flight or finished.
 */
const candidates = (lock: string) => `
  select execution_id, created_at from (
    select execution_id, created_at from workflow_executions
    where status = 'pending'
    order by created_at, execution_id limit ?${lock}
  ) pending
  union all
  select execution_id, created_at from (
    select execution_id, created_at from workflow_executions
    where status = 'running' and lease_expires_at <= ?
    order by created_at, execution_id limit ?${lock}
  ) expired`;

/**
 * PostgreSQL: one statement. FOR UPDATE SKIP LOCKED makes concurrent claimers (in any process)
 * pass over each other's candidates instead of waiting or taking them twice; a candidate that
 * changed meanwhile is re-checked against its WHERE clause when locked.
 */
const postgresSql = `
with candidates as (${candidates(" for update skip locked")}),
picked as (
  select execution_id from candidates order by created_at, execution_id limit ?
)
update workflow_executions e
set status = 'running', lease_owner = ?, lease_expires_at = ?,
    start_time = coalesce(e.start_time, ?), claim_count = e.claim_count + 1, updated_at = ?
from picked
where e.execution_id = picked.execution_id
returning e.*`;

/**
 * SQLite: one guarded UPDATE … RETURNING. A statement runs alone (one writer per database);
 * the outer condition re-checks claimability for writers in other processes.
 */
const sqliteSql = `
update workflow_executions
set status = 'running', lease_owner = ?, lease_expires_at = ?,
    start_time = coalesce(start_time, ?), claim_count = claim_count + 1, updated_at = ?
where execution_id in (
  select execution_id from (${candidates("")}) order by created_at, execution_id limit ?
) and (status = 'pending' or (status = 'running' and lease_expires_at <= ?))
returning *`;

/** Claims up to `limit` executions for `owner`; the rows come back in no particular order. */
export function claimExecutions(
  sql: SqlClient,
  dialect: Dialect,
  owner: string,
  now: Date,
  leaseUntil: Date,
  limit: number,
): Promise<SqlRow[]> {
  return dialect === "postgresql"
    ? sql.all(postgresSql, [limit, now, limit, limit, owner, leaseUntil, now, now])
    : sql.all(sqliteSql, [owner, leaseUntil, now, now, limit, now, limit, limit, now]);
}

/**
 * A released lease (graceful shutdown) is stored as one that expired at the epoch, so the run
 * is claimable at once through the same index as crashed ones.
 */
export const releasedLeaseExpiry = new Date(0);
