import { sql } from "kysely";
import { inList } from "../database/sql-fragments.js";
import { rowParams, Statement } from "../database/statement.js";
import type { NewRow, Row } from "../entities/index.js";

/** A schedule of a (re)published node: the new version, config and next tick; counts stay. */
export const upsertSchedule = new Statement<NewRow<"trigger_schedules">, never>((context) =>
  context.db
    .insertInto("trigger_schedules")
    .values(rowParams("trigger_schedules", context))
    .onConflict((oc) =>
      oc.columns(["workflow_id", "node_id"]).doUpdateSet({
        community_id: sql.ref("excluded.community_id"),
        entity_id: sql.ref("excluded.entity_id"),
        workflow_version: sql.ref("excluded.workflow_version"),
        config: sql.ref("excluded.config"),
        next_fire_at: sql.ref("excluded.next_fire_at"),
      } as never),
    ),
);

/** The workflow's schedules whose nodes are not in `nodeIds` (all of them for an empty list). */
export const deleteSchedulesExcept = new Statement<
  { workflowId: string; nodeIds: readonly string[] },
  never
>(({ db, dialect, param }) =>
  db
    .deleteFrom("trigger_schedules")
    .where("workflow_id", "=", param("workflowId"))
    .where((eb) => eb.not(inList(dialect, "node_id", param.list("nodeIds")))),
);

export const dueSchedules = new Statement<
  { nowMs: number; limit: number },
  Row<"trigger_schedules">
>(
  ({ db, param }) =>
    db
      .selectFrom("trigger_schedules")
      .selectAll()
      .where("next_fire_at", "<=", param("nowMs"))
      .orderBy("next_fire_at")
      .limit(param("limit")),
  "trigger_schedules",
);

export const schedulesOfWorkflow = new Statement<{ workflowId: string }, Row<"trigger_schedules">>(
  ({ db, param }) =>
    db
      .selectFrom("trigger_schedules")
      .selectAll()
      .where("workflow_id", "=", param("workflowId"))
      .orderBy("node_id"),
  "trigger_schedules",
);

/** The tick's compare-and-set; `fired` is 1 when a run goes with it, else 0. */
export const advanceSchedule = new Statement<
  {
    workflowId: string;
    nodeId: string;
    dueMs: number;
    nextMs: number | null;
    fired: number;
    executionId: string | null;
  },
  { node_id: string }
>(({ db, param }) =>
  db
    .updateTable("trigger_schedules")
    .set({
      next_fire_at: param("nextMs"),
      fire_count: sql<number>`${sql.ref("fire_count")} + ${param("fired")}`,
      last_fire_at: sql<number>`case when ${param("fired")} = 1 then ${param("dueMs")} else ${sql.ref("last_fire_at")} end`,
      last_execution_id: sql<string>`coalesce(${param("executionId")}, ${sql.ref("last_execution_id")})`,
    })
    .where("workflow_id", "=", param("workflowId"))
    .where("node_id", "=", param("nodeId"))
    .where("next_fire_at", "=", param("dueMs"))
    .returning("node_id"),
);
