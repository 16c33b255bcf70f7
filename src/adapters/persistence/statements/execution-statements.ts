import { type RawBuilder, sql } from "kysely";
import type { ExecutionStatus } from "../../../domain/execution/execution-status.js";
import { inList } from "../database/sql-fragments.js";
import { rowParams, Statement } from "../database/statement.js";
import type { Dialect } from "../dialect.js";
import type { NewRow, Row } from "../entities/index.js";

type ExecutionRow = Row<"workflow_executions">;
type AuditRow = NewRow<"audit_events">;

/** Statuses from which an execution can still change; the rest are terminal. */
const unfinished: ExecutionStatus[] = ["pending", "running", "paused"];

/**
 * A new execution and the audit event of its creation in one statement (the audit insert does
 * not read the execution's). SQLite runs the two inserts in one group-commit unit instead.
 */
export const insertExecutionWithAudit = new Statement<
  { execution: NewRow<"workflow_executions">; audit: AuditRow },
  never
>((context) =>
  context.db
    .with("execution", (db) =>
      db
        .insertInto("workflow_executions")
        .values(rowParams("workflow_executions", context, { name: "execution" }))
        .returning("execution_id"),
    )
    .insertInto("audit_events")
    .values(rowParams("audit_events", context, { name: "audit" })),
);

export const insertExecution = new Statement<NewRow<"workflow_executions">, never>((context) =>
  context.db.insertInto("workflow_executions").values(rowParams("workflow_executions", context)),
);

export const insertAuditEvent = new Statement<AuditRow, never>((context) =>
  context.db.insertInto("audit_events").values(rowParams("audit_events", context)),
);

export const executionById = new Statement<{ executionId: string }, ExecutionRow>(
  ({ db, param }) =>
    db
      .selectFrom("workflow_executions")
      .selectAll()
      .where("execution_id", "=", param("executionId")),
  "workflow_executions",
);

export const executionByIdempotencyKey = new Statement<
  { triggeredBy: string; key: string; since: Date },
  ExecutionRow
>(
  ({ db, param }) =>
    db
      .selectFrom("workflow_executions")
      .selectAll()
      .where("triggered_by", "=", param("triggeredBy"))
      .where("idempotency_key", "=", param("key"))
      .where("created_at", ">=", param("since")),
  "workflow_executions",
);

export const requestCancel = new Statement<{ executionId: string; at: Date }, never>(
  ({ db, param }) =>
    db
      .updateTable("workflow_executions")
      .set((eb) => ({
        cancel_requested_at: eb.fn.coalesce("cancel_requested_at", eb.val(param("at"))),
        updated_at: param("at"),
        // A parked run falls due at once, so the next claim ends it cancelled.
        wake_at: eb
          .case()
          .when("wait_reason", "is not", null)
          .then(eb.val(param("at")))
          .else(eb.ref("wake_at"))
          .end(),
      }))
      .where("execution_id", "=", param("executionId"))
      .where("status", "in", unfinished),
);

export const cancelRequested = new Statement<{ executionIds: string[] }, { execution_id: string }>(
  ({ db, dialect, param }) =>
    db
      .selectFrom("workflow_executions")
      .select("execution_id")
      .where("cancel_requested_at", "is not", null)
      .where(inList(dialect, "execution_id", param.list("executionIds"))),
);

/**
 * Extends the leases of claims still held: each run must still be running under `owner` with
 * the claim_count its claim set. `claims` lists them as "<execution id>:<claim count>", so the
 * token check is in the same statement and its text does not depend on how many there are.
 */
export const renewLeases = new Statement<
  { owner: string; executionIds: string[]; claims: string[]; leaseUntil: Date },
  { execution_id: string }
>(({ db, dialect, param }) =>
  db
    .updateTable("workflow_executions")
    .set({ lease_expires_at: param("leaseUntil") })
    .where("lease_owner", "=", param("owner"))
    .where("status", "=", "running")
    .where(inList(dialect, "execution_id", param.list("executionIds")))
    .where(claimKeyIn(dialect, param.list("claims")))
    .returning("execution_id"),
);

/** `execution_id || ':' || claim_count` is one of `claims` (a `param.list` placeholder). */
function claimKeyIn(dialect: Dialect, claims: unknown): RawBuilder<boolean> {
  const key = sql`${sql.ref("execution_id")} || ':' || ${sql.ref("claim_count")}`;
  return dialect === "postgresql"
    ? sql<boolean>`${key} = any(${claims}::text[])`
    : sql<boolean>`${key} in (select value from json_each(${claims}))`;
}

/** The key `renewLeases` matches a claim by. */
export function claimKey(executionId: string, token: number): string {
  return `${executionId}:${token}`;
}

export const releaseLeases = new Statement<
  { owner: string; executionIds: string[]; expiredAt: Date },
  never
>(({ db, dialect, param }) =>
  db
    .updateTable("workflow_executions")
    .set({ lease_owner: null, lease_expires_at: param("expiredAt") })
    .where("lease_owner", "=", param("owner"))
    .where("status", "=", "running")
    .where(inList(dialect, "execution_id", param.list("executionIds"))),
);

export const releaseIdempotencyKey = new Statement<
  { triggeredBy: string; key: string; before: Date },
  never
>(({ db, param }) =>
  db
    .updateTable("workflow_executions")
    .set({ idempotency_key: null })
    .where("triggered_by", "=", param("triggeredBy"))
    .where("idempotency_key", "=", param("key"))
    .where("created_at", "<", param("before")),
);
