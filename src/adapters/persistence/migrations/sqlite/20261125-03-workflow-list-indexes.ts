import { Migration } from "@mikro-orm/migrations";

/**
 * Indexes for listing workflows across communities and for the list's execution statistics
 * (see the PostgreSQL twin of this migration for the plans behind them).
 *
 * - workflows_updated_idx serves the list's `order by updated_at desc, workflow_id` without a
 *   community: the page is read in index order and stops after one page, instead of a full
 *   scan and a temp B-tree sort. Owner and community ride along so a non-admin's visibility
 *   test needs the table row only for the workflows it lets through.
 * - workflow_permissions_target_idx finds grants by target (user, role or community). SQLite
 *   evaluates the list's visibility EXISTS per workflow through the primary key and does not use
 *   it today; it is here so both dialects keep the same schema.
 * - workflow_executions_list_idx gains a trailing status, so the per-workflow statistics
 *   (count, completed, failed, newest created_at) are read from the index alone, and status
 *   filters of execution listings are checked in the index. SQLite cannot rename an index, so
 *   it is dropped and rebuilt under the same name.
 */
export class Migration20261125WorkflowListIndexes extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      `create index workflows_updated_idx on workflows (updated_at desc, workflow_id, owner_user_id, community_id);`,
    );
    this.addSql(
      `create index workflow_permissions_target_idx on workflow_permissions (target_type, target_id, workflow_id);`,
    );
    this.addSql(`drop index workflow_executions_list_idx;`);
    this.addSql(
      `create index workflow_executions_list_idx on workflow_executions (workflow_id, created_at desc, execution_id desc, status);`,
    );
  }
}
