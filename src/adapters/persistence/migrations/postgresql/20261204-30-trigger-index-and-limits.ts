import { Migration } from "@mikro-orm/migrations";

/**
 * Chat triggers: the trigger index maintained on publish/archive, the limit rows cooldowns and
 * rate limits are admitted against, the concurrency slots of runs, the dispatched event ids,
 * and the API key flag that allows dispatching.
 */
export class Migration20261204TriggerIndexAndLimits extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      `create table "dispatched_events" ("community_id" bigint not null, "event_id" text not null, "outcomes" jsonb null, "created_at" timestamptz(3) not null, primary key ("community_id", "event_id"));`,
    );
    this.addSql(
      `create index "dispatched_events_created_idx" on "dispatched_events" ("created_at");`,
    );
    this.addSql(
      `create table "trigger_limits" ("limit_key" text not null, "until_ms" bigint not null default '0', "window_start_ms" bigint not null default '0', "hits" int not null default 0, primary key ("limit_key"));`,
    );
    this.addSql(
      `create table "trigger_run_slots" ("execution_id" text not null, "slot_key" text not null, primary key ("execution_id"));`,
    );
    this.addSql(`create index "trigger_run_slots_key_idx" on "trigger_run_slots" ("slot_key");`);
    this.addSql(
      `create table "trigger_index" ("community_id" bigint not null, "event_type" text not null, "keyword" text not null, "workflow_id" text not null, "node_id" text not null, "rule" jsonb not null, primary key ("community_id", "event_type", "keyword", "workflow_id", "node_id"));`,
    );
    this.addSql(`create index "trigger_index_workflow_idx" on "trigger_index" ("workflow_id");`);
    this.addSql(`alter table "api_keys" add "can_dispatch" boolean not null default false;`);
    this.addSql(
      `alter table "trigger_run_slots" add constraint "trigger_run_slots_execution_id_foreign" foreign key ("execution_id") references "workflow_executions" ("execution_id") on update cascade on delete cascade;`,
    );
    this.addSql(
      `alter table "trigger_index" add constraint "trigger_index_workflow_id_foreign" foreign key ("workflow_id") references "workflows" ("workflow_id") on update cascade on delete cascade;`,
    );
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "dispatched_events" cascade;`);
    this.addSql(`drop table if exists "trigger_limits" cascade;`);
    this.addSql(`drop table if exists "trigger_run_slots" cascade;`);
    this.addSql(`drop table if exists "trigger_index" cascade;`);
    this.addSql(`alter table "api_keys" drop column "can_dispatch";`);
  }
}
