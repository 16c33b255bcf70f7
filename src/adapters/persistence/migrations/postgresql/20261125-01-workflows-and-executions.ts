import { Migration } from "@mikro-orm/migrations";

/** Workflows with their version history and permissions, executions and node runs. */
export class Migration20261125WorkflowsAndExecutions extends Migration {
  override async up(): Promise<void> {
    this.addSql(`
      create table "workflows" (
        "workflow_id" text not null,
        "community_id" bigint not null,
        "entity_id" bigint not null,
        "name" text not null,
        "description" text not null,
        "tags" jsonb not null,
        "status" text check ("status" in ('draft', 'published', 'archived')) not null,
        "version" int not null,
        "definition" jsonb not null,
        "owner_user_id" text not null,
        "created_at" timestamptz(3) not null,
        "updated_at" timestamptz(3) not null,
        "published_version" int null,
        "published_at" timestamptz(3) null,
        constraint "workflows_pkey" primary key ("workflow_id")
      );
    `);
    this.addSql(
      `create index workflows_community_updated_idx on workflows (community_id, updated_at desc, workflow_id);`,
    );
    this.addSql(
      `create index workflows_community_status_updated_idx on workflows (community_id, status, updated_at desc, workflow_id);`,
    );
    this.addSql(`
      create table "workflow_versions" (
        "workflow_id" text not null,
        "version" int not null,
        "name" text not null,
        "description" text not null,
        "tags" jsonb not null,
        "definition" jsonb not null,
        "created_by" text not null,
        "created_at" timestamptz(3) not null,
        constraint "workflow_versions_pkey" primary key ("workflow_id", "version")
      );
    `);
    this.addSql(`
      create table "workflow_permissions" (
        "workflow_id" text not null,
        "target_type" text check ("target_type" in ('user', 'role', 'community')) not null,
        "target_id" text not null,
        "can_view" boolean not null,
        "can_edit" boolean not null,
        "can_execute" boolean not null,
        "can_delete" boolean not null,
        "can_manage_permissions" boolean not null,
        "granted_by" text not null,
        "granted_at" timestamptz(3) not null,
        constraint "workflow_permissions_pkey" primary key ("workflow_id", "target_type", "target_id")
      );
    `);
    this.addSql(`
      create table "workflow_executions" (
        "execution_id" text not null,
        "workflow_id" text not null,
        "workflow_version" int not null,
        "status" text check ("status" in ('pending', 'running', 'completed', 'failed', 'cancelled', 'paused')) not null,
        "community_id" bigint not null,
        "entity_id" bigint not null,
        "triggered_by" text not null,
        "trigger" jsonb not null,
        "input_variables" jsonb not null,
        "idempotency_key" text null,
        "created_at" timestamptz(3) not null,
        "start_time" timestamptz(3) null,
        "end_time" timestamptz(3) null,
        "execution_time_seconds" double precision null,
        "duration_ms" double precision null,
        "nodes_executed" int not null default 0,
        "total_nodes" int not null default 0,
        "failed_nodes" jsonb not null,
        "error_reason" text null,
        "error_message" text null,
        "error_node_id" text null,
        "final_output" jsonb null,
        "final_variables" jsonb not null,
        "cancel_requested_at" timestamptz(3) null,
        "lease_owner" text null,
        "lease_expires_at" timestamptz(3) null,
        "claim_count" int not null default 0,
        "node_run_count" int not null default 0,
        "checkpoint" jsonb null,
        "updated_at" timestamptz(3) not null,
        constraint "workflow_executions_pkey" primary key ("execution_id")
      );
    `);
    this.addSql(
      `create index workflow_executions_list_idx on workflow_executions (workflow_id, created_at desc, execution_id desc);`,
    );
    this.addSql(
      `create index workflow_executions_pending_idx on workflow_executions (created_at, execution_id) where status = 'pending';`,
    );
    this.addSql(
      `create index workflow_executions_lease_idx on workflow_executions (lease_expires_at) where status = 'running';`,
    );
    this.addSql(
      `create unique index workflow_executions_idempotency_key_unique on workflow_executions (triggered_by, idempotency_key) where idempotency_key is not null;`,
    );
    this.addSql(`
      create table "workflow_node_executions" (
        "execution_id" text not null,
        "sequence" int not null,
        "node_id" text not null,
        "node_type" text not null,
        "status" text check ("status" in ('pending', 'ready', 'running', 'completed', 'failed', 'skipped', 'cancelled', 'paused')) not null,
        "attempt" int not null,
        "started_at" timestamptz(3) null,
        "completed_at" timestamptz(3) null,
        "duration_ms" double precision not null,
        "input" jsonb null,
        "output" jsonb null,
        "output_truncated" boolean not null,
        "output_port" text null,
        "logs" jsonb not null,
        "error_reason" text null,
        "error_message" text null,
        "iterations" int not null,
        "operations" int not null,
        "iteration_path" jsonb not null,
        "simulated_request" jsonb null,
        constraint "workflow_node_executions_pkey" primary key ("execution_id", "sequence")
      );
    `);
    this.addSql(`
      alter table "workflow_versions"
      add constraint "workflow_versions_workflow_id_foreign" foreign key ("workflow_id") references "workflows" ("workflow_id") on update cascade on delete cascade;
    `);
    this.addSql(`
      alter table "workflow_permissions"
      add constraint "workflow_permissions_workflow_id_foreign" foreign key ("workflow_id") references "workflows" ("workflow_id") on update cascade on delete cascade;
    `);
    this.addSql(`
      alter table "workflow_executions"
      add constraint "workflow_executions_workflow_id_foreign" foreign key ("workflow_id") references "workflows" ("workflow_id") on update cascade on delete cascade;
    `);
    this.addSql(`
      alter table "workflow_node_executions"
      add constraint "workflow_node_executions_execution_id_foreign" foreign key ("execution_id") references "workflow_executions" ("execution_id") on update cascade on delete cascade;
    `);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "workflow_node_executions" cascade;`);
    this.addSql(`drop table if exists "workflow_executions" cascade;`);
    this.addSql(`drop table if exists "workflow_permissions" cascade;`);
    this.addSql(`drop table if exists "workflow_versions" cascade;`);
    this.addSql(`drop table if exists "workflows" cascade;`);
  }
}
