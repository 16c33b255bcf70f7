import { Migration } from "@mikro-orm/migrations";

/** API keys (hashed secrets) and the persisted audit trail. */
export class Migration20261125ApiKeysAndAudit extends Migration {
  override async up(): Promise<void> {
    this.addSql(`
      create table "api_keys" (
        "key_id" text not null,
        "name" text not null,
        "secret_hash" text not null,
        "user_id" text not null,
        "roles" jsonb not null,
        "community_ids" jsonb not null,
        "admin" boolean not null,
        "created_by" text not null,
        "created_at" timestamptz(3) not null,
        "revoked_at" timestamptz(3) null,
        constraint "api_keys_pkey" primary key ("key_id")
      );
    `);
    this.addSql(
      `alter table "api_keys" add constraint "api_keys_secret_hash_unique" unique ("secret_hash");`,
    );
    this.addSql(`
      create table "audit_events" (
        "id" text not null,
        "at" timestamptz(3) not null,
        "event_type" text not null,
        "action" text not null,
        "result" text not null,
        "user_id" text not null,
        "community_id" bigint null,
        "workflow_id" text null,
        "execution_id" text null,
        "details" jsonb not null,
        constraint "audit_events_pkey" primary key ("id")
      );
    `);
    this.addSql(`create index "audit_events_at_idx" on "audit_events" ("at");`);
    this.addSql(
      `create index "audit_events_workflow_at_idx" on "audit_events" ("workflow_id", "at");`,
    );
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "audit_events" cascade;`);
    this.addSql(`drop table if exists "api_keys" cascade;`);
  }
}
