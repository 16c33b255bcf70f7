import { randomBytes } from "node:crypto";
import type { TriggerPlan } from "../../../domain/triggers/trigger-rule.js";
import type { SqlDatabase } from "../database/sql-database.js";
import type { QueryRunner } from "../database/statement.js";
import { deleteSchedulesExcept, upsertSchedule } from "../statements/schedule-statements.js";
import {
  deleteRulesOfWorkflow,
  insertTriggerIndexRow,
} from "../statements/trigger-index-statements.js";
import { deleteWebhooksExcept, upsertWebhook } from "../statements/webhook-statements.js";

/** An unguessable hook id: 24 random bytes. */
function newHookId(): string {
  return `wh_${randomBytes(24).toString("base64url")}`;
}

/**
 * Replaces a workflow's trigger index rows and webhooks (inside the caller's unit of writes).
 * A webhook node that stays keeps its hook id and secrets; a removed one loses both.
 */
export async function replaceTriggers(
  db: SqlDatabase,
  tx: QueryRunner,
  workflowId: string,
  plan: TriggerPlan,
): Promise<void> {
  await db.run(deleteRulesOfWorkflow, { workflowId }, tx);
  for (const rule of plan.rules) {
    for (const keyword of rule.keywords) {
      await db.run(
        insertTriggerIndexRow,
        {
          community_id: rule.communityId,
          event_type: rule.eventType,
          keyword,
          workflow_id: workflowId,
          node_id: rule.nodeId,
          rule,
        },
        tx,
      );
    }
  }
  await db.run(
    deleteWebhooksExcept,
    { workflowId, nodeIds: plan.webhooks.map((w) => w.nodeId) },
    tx,
  );
  for (const hook of plan.webhooks) {
    await db.run(
      upsertWebhook,
      {
        hook_id: newHookId(),
        workflow_id: workflowId,
        node_id: hook.nodeId,
        community_id: hook.communityId,
        entity_id: hook.entityId,
        workflow_version: hook.workflowVersion,
        config: hook.config,
        created_at: new Date(),
      },
      tx,
    );
  }
  await db.run(
    deleteSchedulesExcept,
    { workflowId, nodeIds: plan.schedules.map((s) => s.nodeId) },
    tx,
  );
  for (const schedule of plan.schedules) {
    await db.run(
      upsertSchedule,
      {
        workflow_id: workflowId,
        node_id: schedule.nodeId,
        community_id: schedule.communityId,
        entity_id: schedule.entityId,
        workflow_version: schedule.workflowVersion,
        config: schedule.config,
        next_fire_at: schedule.nextFireAtMs,
        fire_count: 0,
        last_fire_at: null,
        last_execution_id: null,
      },
      tx,
    );
  }
}
