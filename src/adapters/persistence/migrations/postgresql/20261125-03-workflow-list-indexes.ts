import { Migration } from "@mikro-orm/migrations";

/**
 * Indexes for listing workflows across communities and for the list's execution statistics.
 *
 * - workflows_updated_idx serves the list's `order by updated_at desc, workflow_id` without a
 *   community: an Index Scan that stops after one page replaces a Seq Scan with a top-N sort.
 *   (The owner and community columns help SQLite; the schema is the same on both dialects.)
 * - workflow_permissions_target_idx finds grants by target: the planner hashes the visibility
 *   EXISTS when it does not depend on the workflow row (a community-scoped list, or a viewer
 *   in no community) and reads the viewer's grants through it instead of scanning every grant.
 * - workflow_executions_list_idx gains a trailing status, so the per-workflow statistics are an
 *   Index Only Scan, and status filters of execution listings are index conditions. The new
 *   index is built first and the old one dropped after, so the table is locked exclusively only
 *   at the end; it then takes the old name.
 */
export class Migration20261125WorkflowListIndexes extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      `create index workflows_updated_idx on workflows (updated_at desc, workflow_id, owner_user_id, community_id);`,
    );
    this.addSql(
      `create index workflow_permissions_target_idx on workflow_permissions (target_type, target_id, workflow_id);`,
    );
    this.addSql(
      `create index workflow_executions_list_status_idx on workflow_executions (workflow_id, created_at desc, execution_id desc, status);`,
    );
    this.addSql(`drop index workflow_executions_list_idx;`);
    this.addSql(
      `alter index workflow_executions_list_status_idx rename to workflow_executions_list_idx;`,
    );
  }

  override async down(): Promise<void> {
    this.addSql(
      `create index workflow_executions_list_plain_idx on workflow_executions (workflow_id, created_at desc, execution_id desc);`,
    );
    this.addSql(`drop index workflow_executions_list_idx;`);
    this.addSql(
      `alter index workflow_executions_list_plain_idx rename to workflow_executions_list_idx;`,
    );
    this.addSql(`drop index workflow_permissions_target_idx;`);
    this.addSql(`drop index workflows_updated_idx;`);
  }
}
