import { defineEntity, p } from "@mikro-orm/core";

/** `community_stops`: communities an admin stopped; nothing of theirs starts until lifted. */
export const CommunityStopEntity = defineEntity({
  name: "CommunityStopRow",
  tableName: "community_stops",
  properties: {
    communityId: p.bigint("number").primary().autoincrement(false),
    stoppedAt: p.datetime(3),
    stoppedBy: p.text(),
    reason: p.text(),
  },
});
