import { defineEntity, p } from "@mikro-orm/core";
import type { JsonValue } from "../../../domain/json.js";

/**
 * `dispatched_events`: chat events already dispatched, with the answer given, so the same
 * event id is answered again without starting anything (kept 24 hours).
 */
export const DispatchedEventEntity = defineEntity({
  name: "DispatchedEventRow",
  tableName: "dispatched_events",
  properties: {
    communityId: p.bigint("number").primary(),
    eventId: p.text().primary(),
    /** Null while the first dispatch of the event is still deciding. */
    outcomes: p.json<JsonValue>().nullable(),
    createdAt: p.datetime(3).index("dispatched_events_created_idx"),
  },
});
