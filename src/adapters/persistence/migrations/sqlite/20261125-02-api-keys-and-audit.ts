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
        "roles" json not null,
        "community_ids" json not null,
        "admin" integer not null,
        "created_by" text not null,
        "created_at" datetime not null,
        "revoked_at" datetime null,
        primary key ("key_id")
      );
    `);
    this.addSql(`create unique index "api_keys_secret_hash_unique" on "api_keys" ("secret_hash");`);
    this.addSql(`
      create table "audit_events" (
        "id" text not null,
        "at" datetime not null,
        "event_type" text not null,
        "action" text not null,
        "result" text not null,
        "user_id" text not null,
        "community_id" bigint null,
        "workflow_id" text null,
        "execution_id" text null,
        "details" json not null,
        primary key ("id")
      );
    `);
    this.addSql(`create index "audit_events_at_idx" on "audit_events" ("at");`);
    this.addSql(
      `create index "audit_events_workflow_at_idx" on "audit_events" ("workflow_id", "at");`,
    );
  }
}
