import { Migration } from "@mikro-orm/migrations";

/** Inbound webhooks: one hook per published trigger_webhook node, its sealed secrets, deliveries. */
export class Migration20261204Webhooks extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      `create table "webhook_deliveries" ("hook_id" text not null, "delivery_key" text not null, "received_at" datetime not null, primary key ("hook_id", "delivery_key"));`,
    );
    this.addSql(
      `create index "webhook_deliveries_received_idx" on "webhook_deliveries" ("received_at");`,
    );
    this.addSql(
      `create table "trigger_webhooks" ("hook_id" text not null primary key, "workflow_id" text not null, "node_id" text not null, "community_id" bigint not null, "entity_id" bigint not null, "workflow_version" integer not null, "config" json not null, "created_at" datetime not null, constraint "trigger_webhooks_workflow_id_foreign" foreign key ("workflow_id") references "workflows" ("workflow_id") on update cascade on delete cascade);`,
    );
    this.addSql(
      `create unique index "trigger_webhooks_node_unique" on "trigger_webhooks" ("workflow_id", "node_id");`,
    );
    this.addSql(
      `create table "webhook_secrets" ("secret_id" text not null primary key, "hook_id" text not null, "sealed" text not null, "created_at" datetime not null, "expires_at" datetime null, constraint "webhook_secrets_hook_id_foreign" foreign key ("hook_id") references "trigger_webhooks" ("hook_id") on update cascade on delete cascade);`,
    );
    this.addSql(`create index "webhook_secrets_hook_idx" on "webhook_secrets" ("hook_id");`);
  }
}
