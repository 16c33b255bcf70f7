/**
 * Each runner holds a session-level advisory lock `pg_advisory_lock(livenessLockClass,
 * hashtext(owner))` on its coordination connection; PostgreSQL drops it when that session ends
 * (the process died, its host was lost). pg_locks shows it as classid = livenessLockClass,
 * objid = hashtext(owner) as an oid, objsubid = 2 (the two-key form).
 */
export const livenessLockClass = 0x77660001;

/** SQL: the liveness lock of the runner named by the SQL expression `owner` is held. */
export function livenessHeld(owner: string): string {
  return `exists (select 1 from pg_locks l where l.locktype = 'advisory' and l.granted and l.classid = ${livenessLockClass}::oid and l.objid = hashtext(${owner})::oid and l.objsubid = 2 and l.database = (select d.oid from pg_database d where d.datname = current_database()))`;
}
