import { sql } from "kysely";
import type { ExecutionStatus } from "../../../domain/execution/execution-status.js";
import { inList } from "../database/sql-fragments.js";
import { Statement } from "../database/statement.js";

const active: ExecutionStatus[] = ["pending", "running", "paused"];

/**
 * Starts a cooldown unless one is running: inserts the key, or moves its end when the stored
 * end has passed. Returns a row only when the cooldown was taken. One statement, so two
 * processes taking the same key at the same instant cannot both succeed: PostgreSQL makes the
 * second wait for the first's row and re-checks the condition on the committed value.
 */
export const takeCooldown = new Statement<
  { key: string; nowMs: number; untilMs: number },
  { until_ms: number | string }
>(({ db, param }) =>
  db
    .insertInto("trigger_limits")
    .values({ limit_key: param("key"), until_ms: param("untilMs"), window_start_ms: 0, hits: 0 })
    .onConflict((oc) =>
      oc
        .column("limit_key")
        .doUpdateSet({ until_ms: param("untilMs") })
        .where("trigger_limits.until_ms", "<=", param("nowMs")),
    )
    .returning("until_ms"),
);

/**
 * Counts one admission in the key's fixed window (`windowStartMs`), unless the window already
 * holds `max`. Returns a row only when the admission was counted.
 */
export const takeRate = new Statement<
  { key: string; windowStartMs: number; max: number },
  { hits: number }
>(({ db, param }) =>
  db
    .insertInto("trigger_limits")
    .values({
      limit_key: param("key"),
      until_ms: 0,
      window_start_ms: param("windowStartMs"),
      hits: 1,
    })
    .onConflict((oc) =>
      oc
        .column("limit_key")
        .doUpdateSet({
          hits: sql<number>`case when ${sql.ref("trigger_limits.window_start_ms")} = ${param("windowStartMs")} then ${sql.ref("trigger_limits.hits")} + 1 else 1 end`,
          window_start_ms: param("windowStartMs"),
        })
        .where((eb) =>
          eb.or([
            eb("trigger_limits.window_start_ms", "<>", param("windowStartMs")),
            eb("trigger_limits.hits", "<", param("max")),
          ]),
        ),
    )
    .returning("hits"),
);

/**
 * Takes the key's row for the rest of the transaction (PostgreSQL: a row lock), so admissions
 * to the same concurrency key run one after the other and each counts the others' runs.
 */
export const lockLimitKey = new Statement<{ key: string }, { hits: number }>(({ db, param }) =>
  db
    .insertInto("trigger_limits")
    .values({ limit_key: param("key"), until_ms: 0, window_start_ms: 0, hits: 0 })
    .onConflict((oc) =>
      oc.column("limit_key").doUpdateSet({ hits: sql<number>`${sql.ref("trigger_limits.hits")}` }),
    )
    .returning("hits"),
);

export const cooldownEnd = new Statement<{ key: string }, { until_ms: number | string }>(
  ({ db, param }) =>
    db.selectFrom("trigger_limits").select("until_ms").where("limit_key", "=", param("key")),
);

/** Runs holding a slot of the key that are still pending, running or paused. */
export const activeSlots = new Statement<
  { key: string; statuses: readonly string[] },
  { active: number | string }
>(({ db, dialect, param }) =>
  db
    .selectFrom("trigger_run_slots as s")
    .innerJoin("workflow_executions as e", "e.execution_id", "s.execution_id")
    .select((eb) => eb.fn.countAll<number>().as("active"))
    .where("s.slot_key", "=", param("key"))
    .where(inList(dialect, "e.status", param.list("statuses"))),
);

/** Slots of finished runs are no longer needed. */
export const releaseFinishedSlots = new Statement<
  { key: string; statuses: readonly string[] },
  never
>(({ db, dialect, param }) =>
  db
    .deleteFrom("trigger_run_slots")
    .where("slot_key", "=", param("key"))
    .where((eb) =>
      eb.not(
        eb.exists(
          eb
            .selectFrom("workflow_executions as e")
            .select(sql.lit(1).as("one"))
            .whereRef("e.execution_id", "=", "trigger_run_slots.execution_id")
            .where(inList(dialect, "e.status", param.list("statuses"))),
        ),
      ),
    ),
);

export const insertRunSlot = new Statement<{ executionId: string; key: string }, never>(
  ({ db, param }) =>
    db
      .insertInto("trigger_run_slots")
      .values({ execution_id: param("executionId"), slot_key: param("key") }),
);

export const activeStatuses: readonly string[] = active;
