import { Migration } from "@mikro-orm/migrations";

/** The community stop switch: one row per stopped community. */
export class Migration20261204CommunityStops extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      `create table "community_stops" ("community_id" bigint not null, "stopped_at" timestamptz(3) not null, "stopped_by" text not null, "reason" text not null, primary key ("community_id"));`,
    );
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "community_stops" cascade;`);
  }
}
