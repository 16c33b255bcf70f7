import { Migration } from "@mikro-orm/migrations";

/** Inbound webhooks: one hook per published trigger_webhook node, its sealed secrets, deliveries. */
export class Migration20261204Webhooks extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      `create table "webhook_deliveries" ("hook_id" text not null, "delivery_key" text not null, "received_at" timestamptz(3) not null, primary key ("hook_id", "delivery_key"));`,
    );
    this.addSql(
      `create index "webhook_deliveries_received_idx" on "webhook_deliveries" ("received_at");`,
    );
    this.addSql(
      `create table "trigger_webhooks" ("hook_id" text not null, "workflow_id" text not null, "node_id" text not null, "community_id" bigint not null, "entity_id" bigint not null, "workflow_version" int not null, "config" jsonb not null, "created_at" timestamptz(3) not null, primary key ("hook_id"));`,
    );
    this.addSql(
      `alter table "trigger_webhooks" add constraint "trigger_webhooks_node_unique" unique ("workflow_id", "node_id");`,
    );
    this.addSql(
      `create table "webhook_secrets" ("secret_id" text not null, "hook_id" text not null, "sealed" text not null, "created_at" timestamptz(3) not null, "expires_at" timestamptz(3) null, primary key ("secret_id"));`,
    );
    this.addSql(`create index "webhook_secrets_hook_idx" on "webhook_secrets" ("hook_id");`);
    this.addSql(
      `alter table "trigger_webhooks" add constraint "trigger_webhooks_workflow_id_foreign" foreign key ("workflow_id") references "workflows" ("workflow_id") on update cascade on delete cascade;`,
    );
    this.addSql(
      `alter table "webhook_secrets" add constraint "webhook_secrets_hook_id_foreign" foreign key ("hook_id") references "trigger_webhooks" ("hook_id") on update cascade on delete cascade;`,
    );
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "webhook_secrets" cascade;`);
    this.addSql(`drop table if exists "trigger_webhooks" cascade;`);
    this.addSql(`drop table if exists "webhook_deliveries" cascade;`);
  }
}
