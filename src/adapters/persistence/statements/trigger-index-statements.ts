import { inList } from "../database/sql-fragments.js";
import { rowParams, Statement } from "../database/statement.js";
import type { NewRow, Row } from "../entities/index.js";

/** The rules of one community, event type and any of the keywords: a primary key range. */
export const rulesForKeywords = new Statement<
  { communityId: number; eventType: string; keywords: readonly string[] },
  Pick<Row<"trigger_index">, "rule">
>(
  ({ db, dialect, param }) =>
    db
      .selectFrom("trigger_index")
      .select("rule")
      .where("community_id", "=", param("communityId"))
      .where("event_type", "=", param("eventType"))
      .where(inList(dialect, "keyword", param.list("keywords"))),
  "trigger_index",
);

/** Every indexed rule of a workflow (one row per keyword: callers de-duplicate by node). */
export const rulesOfWorkflow = new Statement<
  { workflowId: string },
  Pick<Row<"trigger_index">, "rule" | "node_id">
>(
  ({ db, param }) =>
    db
      .selectFrom("trigger_index")
      .select(["rule", "node_id"])
      .where("workflow_id", "=", param("workflowId"))
      .orderBy("node_id"),
  "trigger_index",
);

export const deleteRulesOfWorkflow = new Statement<{ workflowId: string }, never>(({ db, param }) =>
  db.deleteFrom("trigger_index").where("workflow_id", "=", param("workflowId")),
);

export const insertTriggerIndexRow = new Statement<NewRow<"trigger_index">, never>((context) =>
  context.db.insertInto("trigger_index").values(rowParams("trigger_index", context)),
);
