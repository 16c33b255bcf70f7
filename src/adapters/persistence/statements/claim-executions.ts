import { type QueryCreator, type SelectQueryBuilder, sql } from "kysely";
import { livenessHeld } from "../coordination/liveness-lock.js";
import { inList } from "../database/sql-fragments.js";
import { type Params, Statement } from "../database/statement.js";
import type { Dialect } from "../dialect.js";
import type { Database, Row } from "../entities/index.js";

interface ClaimParams {
  owner: string;
  now: Date;
  leaseUntil: Date;
  limit: number;
  /** Only for the claim of chosen executions. */
  ids: string[];
}

type Candidates = SelectQueryBuilder<
  Database,
  "workflow_executions",
  { execution_id: string; created_at: Date }
>;

/**
 * What a claim takes, oldest first: pending runs, running ones whose lease ran out (their
 * runner crashed, or released them at shutdown), parked ones that are due (wake_at passed;
 * they hold no lease) and, on PostgreSQL, running ones whose owner's liveness lock is gone (its
 * process died: no need to wait for the lease). A parked run has no owner and no lease, so it is
 * never an orphan: only its wake_at makes it claimable. Each source has its own partial index
 * (workflow_executions_pending_idx, workflow_executions_lease_idx, workflow_executions_wake_idx),
 * so a claim reads only claimable rows, however many runs are in flight or finished. On PostgreSQL, FOR UPDATE SKIP
 * LOCKED makes concurrent claimers (in any process) pass over each other's candidates instead
 * of waiting or taking them twice; a candidate that changed meanwhile is re-checked against its
 * WHERE clause when locked.
 */
function candidates(
  db: QueryCreator<Database>,
  dialect: Dialect,
  param: Params<ClaimParams>,
  orphans: boolean,
) {
  const lock = (query: Candidates) =>
    dialect === "postgresql" ? query.forUpdate().skipLocked() : query;
  const oldest = (query: Candidates) =>
    lock(query.orderBy("created_at").orderBy("execution_id").limit(param("limit")));
  const pending = oldest(
    db
      .selectFrom("workflow_executions")
      .select(["execution_id", "created_at"])
      .where("status", "=", "pending"),
  );
  const expired = oldest(
    db
      .selectFrom("workflow_executions")
      .select(["execution_id", "created_at"])
      .where("status", "=", "running")
      .where("lease_expires_at", "<=", param("now")),
  );
  const due = lock(
    db
      .selectFrom("workflow_executions")
      .select(["execution_id", "created_at"])
      .where("wake_at", "<=", param("now"))
      .where("status", "=", "running")
      .orderBy("wake_at")
      .limit(param("limit")),
  );
  const claimable = db
    .selectFrom(pending.as("pending"))
    .select(["execution_id", "created_at"])
    .unionAll(db.selectFrom(expired.as("expired")).select(["execution_id", "created_at"]))
    .unionAll(db.selectFrom(due.as("due")).select(["execution_id", "created_at"]));
  if (dialect !== "postgresql" || !orphans) return claimable;
  // Disjoint from `expired`: only leases still running. Reads the lease index too.
  const orphaned = oldest(
    db
      .selectFrom("workflow_executions")
      .select(["execution_id", "created_at"])
      .where("status", "=", "running")
      .where("lease_expires_at", ">", param("now"))
      .where("lease_owner", "is not", null)
      .where(sql<boolean>`not ${sql.raw(livenessHeld("lease_owner"))}`),
  );
  return claimable.unionAll(
    db.selectFrom(orphaned.as("orphaned")).select(["execution_id", "created_at"]),
  );
}

/** A claimed run is no longer parked: its wait is over (the checkpoint says what it was). */
const unparked = { wake_at: null, wait_reason: null, wait_nodes: null } as const;

/**
 * PostgreSQL: one statement taking up to `limit` claimable executions for `owner`; with
 * `orphans`, also runs whose owner's liveness lock is gone (for runners that hold one).
 */
const postgresClaim = (orphans: boolean) =>
  new Statement<ClaimParams, Row<"workflow_executions">>(
    ({ db, dialect, param }) =>
      db
        .with("candidates", (db) => candidates(db, dialect, param, orphans))
        .with("picked", (db) =>
          db
            .selectFrom("candidates")
            .select("execution_id")
            .orderBy("created_at")
            .orderBy("execution_id")
            .limit(param("limit")),
        )
        .updateTable("workflow_executions as e")
        .set((eb) => ({
          status: "running",
          lease_owner: param("owner"),
          lease_expires_at: param("leaseUntil"),
          start_time: eb.fn.coalesce("e.start_time", eb.val(param("now"))),
          claim_count: eb("e.claim_count", "+", 1),
          updated_at: param("now"),
          ...unparked,
        }))
        .from("picked")
        .whereRef("e.execution_id", "=", "picked.execution_id")
        .returningAll("e"),
    "workflow_executions",
  );

/**
 * PostgreSQL: takes these pending executions (the ones this process acknowledged), and no
 * other: claiming its own work does not race the other processes for theirs.
 */
const postgresClaimChosen = new Statement<ClaimParams, Row<"workflow_executions">>(
  ({ db, dialect, param }) =>
    db
      .with("picked", (db) =>
        db
          .selectFrom("workflow_executions")
          .select("execution_id")
          .where(inList(dialect, "execution_id", param.list("ids")))
          .where("status", "=", "pending")
          .orderBy("created_at")
          .orderBy("execution_id")
          .limit(param("limit"))
          .forUpdate()
          .skipLocked(),
      )
      .updateTable("workflow_executions as e")
      .set((eb) => ({
        status: "running",
        lease_owner: param("owner"),
        lease_expires_at: param("leaseUntil"),
        start_time: eb.fn.coalesce("e.start_time", eb.val(param("now"))),
        claim_count: eb("e.claim_count", "+", 1),
        updated_at: param("now"),
        ...unparked,
      }))
      .from("picked")
      .whereRef("e.execution_id", "=", "picked.execution_id")
      .returningAll("e"),
  "workflow_executions",
);

const postgresClaims = {
  plain: postgresClaim(false),
  withOrphans: postgresClaim(true),
  chosen: postgresClaimChosen,
};

/**
 * SQLite: one guarded UPDATE … RETURNING. A statement runs alone (one writer per database);
 * the outer condition re-checks claimability for writers in other processes.
 */
const sqliteClaim = new Statement<ClaimParams, Row<"workflow_executions">>(
  ({ db, dialect, param }) =>
    db
      .updateTable("workflow_executions")
      .set((eb) => ({
        status: "running",
        lease_owner: param("owner"),
        lease_expires_at: param("leaseUntil"),
        start_time: eb.fn.coalesce("start_time", eb.val(param("now"))),
        claim_count: eb("claim_count", "+", 1),
        updated_at: param("now"),
        ...unparked,
      }))
      .where("execution_id", "in", (eb) =>
        eb
          .selectFrom(candidates(db, dialect, param, false).as("candidates"))
          .select("execution_id")
          .orderBy("created_at")
          .orderBy("execution_id")
          .limit(param("limit")),
      )
      .where((eb) =>
        eb.or([
          eb("status", "=", "pending"),
          eb.and([eb("status", "=", "running"), eb("lease_expires_at", "<=", param("now"))]),
          eb.and([eb("status", "=", "running"), eb("wake_at", "<=", param("now"))]),
        ]),
      )
      .returningAll(),
  "workflow_executions",
);

/** SQLite (one process) always claims whatever is claimable. */
export function claimStatement(dialect: Dialect, orphans: boolean, chosen: boolean) {
  if (dialect === "sqlite") return sqliteClaim;
  if (chosen) return postgresClaims.chosen;
  return orphans ? postgresClaims.withOrphans : postgresClaims.plain;
}

/**
 * A released lease (graceful shutdown) is stored as one that expired at the epoch, so the run
 * is claimable at once through the same index as crashed ones.
 */
export const releasedLeaseExpiry = new Date(0);
