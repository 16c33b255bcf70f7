import { Statement } from "../database/statement.js";
import type { Row } from "../entities/index.js";

/** Claims an event id; returns a row only for the first dispatch of the event. */
export const claimEvent = new Statement<
  { communityId: number; eventId: string; createdAt: Date },
  { event_id: string }
>(({ db, param }) =>
  db
    .insertInto("dispatched_events")
    .values({
      community_id: param("communityId"),
      event_id: param("eventId"),
      outcomes: null,
      created_at: param("createdAt"),
    })
    .onConflict((oc) => oc.columns(["community_id", "event_id"]).doNothing())
    .returning("event_id"),
);

export const dispatchedEvent = new Statement<
  { communityId: number; eventId: string },
  Pick<Row<"dispatched_events">, "outcomes" | "created_at">
>(
  ({ db, param }) =>
    db
      .selectFrom("dispatched_events")
      .select(["outcomes", "created_at"])
      .where("community_id", "=", param("communityId"))
      .where("event_id", "=", param("eventId")),
  "dispatched_events",
);

export const recordOutcomes = new Statement<
  { communityId: number; eventId: string; outcomes: unknown },
  never
>(({ db, param }) =>
  db
    .updateTable("dispatched_events")
    .set({ outcomes: param.json("outcomes") as never })
    .where("community_id", "=", param("communityId"))
    .where("event_id", "=", param("eventId")),
);

/** Forgets an unfinished claim (the dispatch failed), so the router may send the event again. */
export const forgetEvent = new Statement<{ communityId: number; eventId: string }, never>(
  ({ db, param }) =>
    db
      .deleteFrom("dispatched_events")
      .where("community_id", "=", param("communityId"))
      .where("event_id", "=", param("eventId"))
      .where("outcomes", "is", null),
);

export const pruneEvents = new Statement<{ before: Date }, never>(({ db, param }) =>
  db.deleteFrom("dispatched_events").where("created_at", "<", param("before")),
);
