import type { ConfigReader } from "../config-reader.js";
import type { FieldDoc } from "../node-type-spec.js";

/** What a concurrency limit counts runs by. */
export type ConcurrencyScope = "none" | "channel" | "user" | "community";

/** Who may fire a chat trigger, and how often: shared by trigger_command and trigger_event. */
export interface TriggerLimitsConfig {
  /** Channels (entity ids, as text) the trigger listens in; empty = every channel. */
  channels: string[];
  requireMod: boolean;
  /** The user needs at least one of these roles; empty = anyone. */
  allowedRoles: string[];
  cooldownSeconds: number;
  userCooldownSeconds: number;
  /** Users with one of these roles are not held back by either cooldown. */
  cooldownBypassRoles: string[];
  concurrencyScope: ConcurrencyScope;
  maxConcurrent: number;
  /** Published workflow of the same community started when a cooldown refuses a run. */
  cooldownReplyWorkflowId: string | null;
}

export const concurrencyScopes: readonly ConcurrencyScope[] = [
  "none",
  "channel",
  "user",
  "community",
];

export const triggerLimitFields: readonly FieldDoc[] = [
  {
    name: "channels",
    type: "string[]",
    default: "[]",
    description: "Channels (entity ids) the trigger listens in; empty = every channel.",
  },
  {
    name: "allowed_roles",
    type: "string[]",
    default: "[]",
    description:
      "The user needs one of these roles (e.g. subscriber, vip); empty = anyone. Refusals answer `denied`.",
  },
  {
    name: "cooldown_bypass_roles",
    type: "string[]",
    default: "[]",
    description: "Users with one of these roles (e.g. broadcaster, moderator) skip both cooldowns.",
  },
  {
    name: "concurrency_key",
    type: "string",
    default: "none",
    description:
      "Count this trigger's unfinished runs per `channel`, `user` or `community`; `none` = no limit. A run over the limit is dropped and answered `limited`.",
  },
  {
    name: "max_concurrent",
    type: "int",
    default: "1",
    description: "Runs of this trigger at once per concurrency key, 1..1000.",
  },
  {
    name: "cooldown_reply_workflow_id",
    type: "string|null",
    default: "null",
    description:
      "A published workflow of the same community started when a cooldown refuses a run; its trigger data carries `remaining_ms` and `scope`.",
  },
];

/** Reads the shared limit fields; cooldown and require_mod fields are read by the caller's spec. */
export function parseTriggerLimits(
  r: ConfigReader,
  base: { requireMod: boolean; cooldownSeconds: number; userCooldownSeconds: number },
): TriggerLimitsConfig {
  const reply = r.value("cooldown_reply_workflow_id");
  if (reply !== undefined && reply !== null && (typeof reply !== "string" || reply === "")) {
    r.error("cooldown_reply_workflow_id", "must be a workflow id or null");
  }
  return {
    ...base,
    channels: r.stringList("channels"),
    allowedRoles: r.stringList("allowed_roles").map((role) => role.toLowerCase()),
    cooldownBypassRoles: r.stringList("cooldown_bypass_roles").map((role) => role.toLowerCase()),
    concurrencyScope: r.oneOf("concurrency_key", concurrencyScopes, "none"),
    maxConcurrent: r.number("max_concurrent", 1, { min: 1, max: 1000, integer: true }),
    cooldownReplyWorkflowId: typeof reply === "string" && reply !== "" ? reply : null,
  };
}
