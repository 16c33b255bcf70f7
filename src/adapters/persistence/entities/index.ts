import type { InferKyselyDB } from "@mikro-orm/sql";
import type { Insertable, Selectable } from "kysely";
import { ApiKeyEntity } from "./api-key.entity.js";
import { AuditEventEntity } from "./audit-event.entity.js";
import { CommunityStopEntity } from "./community-stop.entity.js";
import { DispatchedEventEntity } from "./dispatched-event.entity.js";
import { TriggerIndexEntity } from "./trigger-index.entity.js";
import { TriggerLimitEntity } from "./trigger-limit.entity.js";
import { TriggerRunSlotEntity } from "./trigger-run-slot.entity.js";
import { TriggerScheduleEntity } from "./trigger-schedule.entity.js";
import { TriggerWebhookEntity } from "./trigger-webhook.entity.js";
import { WebhookDeliveryEntity } from "./webhook-delivery.entity.js";
import { WebhookSecretEntity } from "./webhook-secret.entity.js";
import { WorkflowEntity } from "./workflow.entity.js";
import { WorkflowExecutionEntity } from "./workflow-execution.entity.js";
import { WorkflowNodeExecutionEntity } from "./workflow-node-execution.entity.js";
import { WorkflowPermissionEntity } from "./workflow-permission.entity.js";
import { WorkflowVersionEntity } from "./workflow-version.entity.js";

/** Every table, each described once: migrations, statements and row types follow from these. */
export const entities = [
  WorkflowEntity,
  WorkflowVersionEntity,
  WorkflowPermissionEntity,
  WorkflowExecutionEntity,
  WorkflowNodeExecutionEntity,
  ApiKeyEntity,
  AuditEventEntity,
  TriggerIndexEntity,
  TriggerLimitEntity,
  TriggerRunSlotEntity,
  DispatchedEventEntity,
  CommunityStopEntity,
  TriggerWebhookEntity,
  WebhookSecretEntity,
  WebhookDeliveryEntity,
  TriggerScheduleEntity,
] as const;

/** The tables as the typed Kysely builder sees them: table and column names, property types. */
export type Database = InferKyselyDB<(typeof entities)[number]>;

/** A row of `table` as read (after decoding). */
export type Row<T extends keyof Database> = Selectable<Database[T]>;

/** A whole row of `table` as written. */
export type NewRow<T extends keyof Database> = Insertable<Database[T]>;
