import type { AuditEvent } from "../../../ports/audit-log.js";
import type {
  StoredWebhook,
  StoredWebhookSecret,
  WebhookStore,
} from "../../../ports/webhook-store.js";
import type { SqlDatabase } from "../database/sql-database.js";
import { violatedConstraint } from "../database/sql-errors.js";
import type { Row } from "../entities/index.js";
import { auditEventToRow } from "../mappers/audit-event-rows.js";
import { insertAuditEvent } from "../statements/execution-statements.js";
import {
  deleteDeliveries,
  expireOtherSecrets,
  insertDelivery,
  insertWebhookSecret,
  pruneDeliveries,
  secretsOfWebhook,
  webhookById,
  webhooksOfWorkflow,
} from "../statements/webhook-statements.js";

function webhookFromRow(row: Row<"trigger_webhooks">): StoredWebhook {
  return {
    hookId: row.hook_id,
    workflowId: row.workflow_id,
    nodeId: row.node_id,
    communityId: row.community_id,
    entityId: row.entity_id,
    workflowVersion: row.workflow_version,
    config: row.config,
    createdAt: row.created_at,
  };
}

export class SqlWebhookStore implements WebhookStore {
  constructor(private readonly db: SqlDatabase) {}

  async get(hookId: string): Promise<StoredWebhook | null> {
    const { rows } = await this.db.run(webhookById, { hookId });
    return rows[0] === undefined ? null : webhookFromRow(rows[0]);
  }

  async ofWorkflow(workflowId: string): Promise<StoredWebhook[]> {
    const { rows } = await this.db.run(webhooksOfWorkflow, { workflowId });
    return rows.map(webhookFromRow);
  }

  async secrets(hookId: string): Promise<StoredWebhookSecret[]> {
    const { rows } = await this.db.run(secretsOfWebhook, { hookId });
    return rows.map((row) => ({
      secretId: row.secret_id,
      sealed: row.sealed,
      createdAt: row.created_at,
      expiresAt: row.expires_at,
    }));
  }

  async addSecret(
    hookId: string,
    secret: StoredWebhookSecret,
    othersExpireAt: Date,
    audit: AuditEvent,
  ): Promise<void> {
    await this.db.atomic(async (tx) => {
      await this.db.run(
        insertWebhookSecret,
        {
          secret_id: secret.secretId,
          hook_id: hookId,
          sealed: secret.sealed,
          created_at: secret.createdAt,
          expires_at: secret.expiresAt,
        },
        tx,
      );
      await this.db.run(
        expireOtherSecrets,
        { hookId, secretId: secret.secretId, expiresAt: othersExpireAt },
        tx,
      );
      await this.db.run(insertAuditEvent, auditEventToRow(audit), tx);
    });
  }

  async recordDelivery(hookId: string, keys: readonly string[], at: Date): Promise<boolean> {
    if (keys.length === 0) return true;
    try {
      await this.db.atomic(async (tx) => {
        for (const key of keys)
          await this.db.run(insertDelivery, { hookId, key, receivedAt: at }, tx);
      });
      return true;
    } catch (error) {
      if (violatedConstraint(error) === "unique") return false;
      throw error;
    }
  }

  async forgetDelivery(hookId: string, keys: readonly string[]): Promise<void> {
    if (keys.length > 0) await this.db.runWrite(deleteDeliveries, { hookId, keys });
  }

  async pruneDeliveries(before: Date): Promise<void> {
    await this.db.runWrite(pruneDeliveries, { before });
  }
}
