import { inList } from "../database/sql-fragments.js";
import { rowParams, Statement } from "../database/statement.js";
import type { NewRow, Row } from "../entities/index.js";

export const communityStop = new Statement<{ communityId: number }, Row<"community_stops">>(
  ({ db, param }) =>
    db.selectFrom("community_stops").selectAll().where("community_id", "=", param("communityId")),
  "community_stops",
);

/** A second stop of a stopped community keeps the first one. */
export const insertCommunityStop = new Statement<NewRow<"community_stops">, never>((context) =>
  context.db
    .insertInto("community_stops")
    .values(rowParams("community_stops", context))
    .onConflict((oc) => oc.column("community_id").doNothing()),
);

export const deleteCommunityStop = new Statement<{ communityId: number }, { community_id: number }>(
  ({ db, param }) =>
    db
      .deleteFrom("community_stops")
      .where("community_id", "=", param("communityId"))
      .returning("community_id"),
);

export const unfinishedOfCommunity = new Statement<
  { communityId: number; statuses: readonly string[] },
  { execution_id: string }
>(({ db, dialect, param }) =>
  db
    .selectFrom("workflow_executions")
    .select("execution_id")
    .where("community_id", "=", param("communityId"))
    .where(inList(dialect, "status", param.list("statuses"))),
);
