import { Migration } from "@mikro-orm/migrations";

/** Schedules: one row per published trigger_schedule node, its next tick claimed by CAS. */
export class Migration20261204Schedules extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      `create table "trigger_schedules" ("workflow_id" text not null, "node_id" text not null, "community_id" bigint not null, "entity_id" bigint not null, "workflow_version" int not null, "config" jsonb not null, "next_fire_at" bigint null, "fire_count" int not null default 0, "last_fire_at" bigint null, "last_execution_id" text null, primary key ("workflow_id", "node_id"));`,
    );
    this.addSql(
      `create index "trigger_schedules_next_idx" on "trigger_schedules" ("next_fire_at");`,
    );
    this.addSql(
      `alter table "trigger_schedules" add constraint "trigger_schedules_workflow_id_foreign" foreign key ("workflow_id") references "workflows" ("workflow_id") on update cascade on delete cascade;`,
    );
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "trigger_schedules" cascade;`);
  }
}
