import type { TriggerRule } from "../../../domain/triggers/trigger-rule.js";
import type { SqlDatabase } from "../database/sql-database.js";
import type { QueryRunner } from "../database/statement.js";
import {
  deleteRulesOfWorkflow,
  insertTriggerIndexRow,
} from "../statements/trigger-index-statements.js";

/** Replaces a workflow's rows of the trigger index (inside the caller's unit of writes). */
export async function replaceTriggerIndex(
  db: SqlDatabase,
  tx: QueryRunner,
  workflowId: string,
  rules: readonly TriggerRule[],
): Promise<void> {
  await db.run(deleteRulesOfWorkflow, { workflowId }, tx);
  for (const rule of rules) {
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
}
