import type { WebhookTriggerConfig } from "../domain/workflow/node-types/trigger-webhook.js";
import type { AuditEvent } from "./audit-log.js";

export interface StoredWebhook {
  hookId: string;
  workflowId: string;
  nodeId: string;
  communityId: number;
  entityId: number;
  workflowVersion: number;
  config: WebhookTriggerConfig;
  createdAt: Date;
}

export interface StoredWebhookSecret {
  secretId: string;
  /** The secret sealed with WEBHOOK_SECRET_KEY; opened only to verify a signature. */
  sealed: string;
  createdAt: Date;
  expiresAt: Date | null;
}

/** Hooks of published trigger_webhook nodes (written by publish/archive), secrets, deliveries. */
export interface WebhookStore {
  get(hookId: string): Promise<StoredWebhook | null>;
  ofWorkflow(workflowId: string): Promise<StoredWebhook[]>;
  /** Every secret of the hook, newest first (expired ones included). */
  secrets(hookId: string): Promise<StoredWebhookSecret[]>;
  /**
   * Adds a secret and sets the expiry of the hook's other unexpired secrets to `othersExpireAt`
   * (a rotation's overlap), with its audit event, atomically.
   */
  addSecret(
    hookId: string,
    secret: StoredWebhookSecret,
    othersExpireAt: Date,
    audit: AuditEvent,
  ): Promise<void>;
  /** Records the delivery keys; false (nothing recorded) when one of them was seen before. */
  recordDelivery(hookId: string, keys: readonly string[], at: Date): Promise<boolean>;
  forgetDelivery(hookId: string, keys: readonly string[]): Promise<void>;
  pruneDeliveries(before: Date): Promise<void>;
}
