import { Migration } from "@mikro-orm/migrations";

/** The community stop switch: one row per stopped community. */
export class Migration20261204CommunityStops extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      `create table "community_stops" ("community_id" bigint not null primary key, "stopped_at" datetime not null, "stopped_by" text not null, "reason" text not null);`,
    );
  }
}
