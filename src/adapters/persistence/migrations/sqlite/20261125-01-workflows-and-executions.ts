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
        "tags" json not null,
        "status" text check ("status" in ('draft', 'published', 'archived')) not null,
        "version" integer not null,
        "definition" json not null,
        "owner_user_id" text not null,
        "created_at" datetime not null,
        "updated_at" datetime not null,
        "published_version" integer null,
        "published_at" datetime null,
        primary key ("workflow_id")
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
        "version" integer not null,
        "name" text not null,
        "description" text not null,
        "tags" json not null,
        "definition" json not null,
        "created_by" text not null,
        "created_at" datetime not null,
        constraint "workflow_versions_workflow_id_foreign" foreign key("workflow_id") references "workflows"("workflow_id") on delete cascade on update cascade,
        primary key ("workflow_id", "version")
      );
    `);
    this.addSql(`
      create table "workflow_permissions" (
        "workflow_id" text not null,
        "target_type" text check ("target_type" in ('user', 'role', 'community')) not null,
        "target_id" text not null,
        "can_view" integer not null,
        "can_edit" integer not null,
        "can_execute" integer not null,
        "can_delete" integer not null,
        "can_manage_permissions" integer not null,
        "granted_by" text not null,
        "granted_at" datetime not null,
        constraint "workflow_permissions_workflow_id_foreign" foreign key("workflow_id") references "workflows"("workflow_id") on delete cascade on update cascade,
        primary key ("workflow_id", "target_type", "target_id")
      );
    `);
    this.addSql(`
      create table "workflow_executions" (
        "execution_id" text not null,
        "workflow_id" text not null,
        "workflow_version" integer not null,
        "status" text check ("status" in ('pending', 'running', 'completed', 'failed', 'cancelled', 'paused')) not null,
        "community_id" bigint not null,
        "entity_id" bigint not null,
        "triggered_by" text not null,
        "trigger" json not null,
        "input_variables" json not null,
        "idempotency_key" text null,
        "created_at" datetime not null,
        "start_time" datetime null,
        "end_time" datetime null,
        "execution_time_seconds" double null,
        "duration_ms" double null,
        "nodes_executed" integer not null default 0,
        "total_nodes" integer not null default 0,
        "failed_nodes" json not null,
        "error_reason" text null,
        "error_message" text null,
        "error_node_id" text null,
        "final_output" json null,
        "final_variables" json not null,
        "cancel_requested_at" datetime null,
        "lease_owner" text null,
        "lease_expires_at" datetime null,
        "claim_count" integer not null default 0,
        "node_run_count" integer not null default 0,
        "checkpoint" json null,
        "updated_at" datetime not null,
        constraint "workflow_executions_workflow_id_foreign" foreign key("workflow_id") references "workflows"("workflow_id") on delete cascade on update cascade,
        primary key ("execution_id")
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
        "sequence" integer not null,
        "node_id" text not null,
        "node_type" text not null,
        "status" text check ("status" in ('pending', 'ready', 'running', 'completed', 'failed', 'skipped', 'cancelled', 'paused')) not null,
        "attempt" integer not null,
        "started_at" datetime null,
        "completed_at" datetime null,
        "duration_ms" double not null,
        "input" json null,
        "output" json null,
        "output_truncated" integer not null,
        "output_port" text null,
        "logs" json not null,
        "error_reason" text null,
        "error_message" text null,
        "iterations" integer not null,
        "operations" integer not null,
        "iteration_path" json not null,
        "simulated_request" json null,
        constraint "workflow_node_executions_execution_id_foreign" foreign key("execution_id") references "workflow_executions"("execution_id") on delete cascade on update cascade,
        primary key ("execution_id", "sequence")
      );
    `);
  }
}
