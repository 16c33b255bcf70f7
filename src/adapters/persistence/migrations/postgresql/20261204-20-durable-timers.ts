import { Migration } from "@mikro-orm/migrations";

/**
 * Durable timers: a parked run stays `running` without a lease and records what it waits for
 * (wait_reason, wait_nodes) and when it is due (wake_at). The claim takes due parked runs
 * through workflow_executions_wake_idx, which holds only parked rows.
 */
export class Migration20261204DurableTimers extends Migration {
  override async up(): Promise<void> {
    this.addSql(`alter table "workflow_executions" add column "wake_at" timestamptz(3) null;`);
    this.addSql(`alter table "workflow_executions" add column "wait_reason" text null;`);
    this.addSql(`alter table "workflow_executions" add column "wait_nodes" jsonb null;`);
    this.addSql(
      `create index workflow_executions_wake_idx on workflow_executions (wake_at) where wake_at is not null;`,
    );
  }
}
