import type { JsonObject } from "../json.js";
import type { TriggerLimitsConfig } from "../workflow/node-types/trigger-limits.js";
import type { WebhookTriggerConfig } from "../workflow/node-types/trigger-webhook.js";
import type { ScheduleTriggerConfig } from "../workflow/node-types/triggers.js";

/** How a command trigger reads a message. */
export interface CommandRule {
  /** The pattern's prefix, e.g. `!` (may be empty). */
  prefix: string;
  /** The pattern's words after the prefix: the command word, then sub-command words. */
  words: string[];
  /** Other command words (without prefix). */
  aliases: string[];
  caseSensitive: boolean;
  minArgs: number;
  maxArgs: number | null;
  argumentNames: string[];
  messageMinLength: number;
  requireBotOwner: boolean;
  requirePermission: string | null;
}

/**
 * One chat trigger of a published workflow version, as the trigger index stores it: enough to
 * decide whether an event starts a run, and which run, without loading the workflow.
 */
export interface TriggerRule {
  workflowId: string;
  workflowVersion: number;
  communityId: number;
  entityId: number;
  nodeId: string;
  kind: "command" | "event";
  /** `command` for command triggers; else the event type. */
  eventType: string;
  /** Index keywords: the command word and aliases, lower case; `[""]` for event triggers. */
  keywords: string[];
  /** Lower case. */
  platforms: string[];
  command: CommandRule | null;
  filters: JsonObject;
  limits: TriggerLimitsConfig;
}

/** A trigger_webhook node of a published version: its hook keeps its id across versions. */
export interface WebhookPlan {
  workflowId: string;
  nodeId: string;
  communityId: number;
  entityId: number;
  workflowVersion: number;
  config: WebhookTriggerConfig;
}

/** A trigger_schedule node of a published version, with its first fire time from publishing. */
export interface SchedulePlan {
  workflowId: string;
  nodeId: string;
  communityId: number;
  entityId: number;
  workflowVersion: number;
  config: ScheduleTriggerConfig;
  /** Epoch ms of the next tick after publishing; null when the expression has none. */
  nextFireAtMs: number | null;
}

/** What publishing registers for a workflow: chat rules, webhooks, schedules (archive: none). */
export interface TriggerPlan {
  rules: TriggerRule[];
  webhooks: WebhookPlan[];
  schedules: SchedulePlan[];
}

export const emptyTriggerPlan: TriggerPlan = { rules: [], webhooks: [], schedules: [] };
