import type { JsonObject } from "../../json.js";
import type { ConfigReader } from "../config-reader.js";
import { defineNodeType, type FieldDoc } from "../node-type-spec.js";
import { checkCron } from "./cron.js";

const triggerPorts = ["output"] as const;
const portsDoc = "out: `output` (fires with the trigger data)";

interface CommandTriggerConfig {
  commandPattern: string;
  platforms: string[];
  requireMod: boolean;
  requireBotOwner: boolean;
  requirePermission: string | null;
  cooldownSeconds: number;
  userCooldownSeconds: number;
  messageMinLength: number;
  caseSensitive: boolean;
}

const platformsDoc: FieldDoc = {
  name: "platforms",
  type: "string[]",
  default: "(required)",
  description: "Platforms the trigger listens on, at least one (e.g. twitch, discord, slack).",
};

export const triggerCommand = defineNodeType<CommandTriggerConfig>({
  type: "trigger_command",
  category: "trigger",
  summary:
    "Entry point for a chat command. The caller (command router) matches the pattern, cooldowns and permissions before starting the execution; the node's output is the trigger data.",
  inputPorts: [],
  portsDoc,
  fields: [
    {
      name: "command_pattern",
      type: "string",
      default: "(required)",
      description: "Command text, e.g. `!hello`.",
    },
    platformsDoc,
    {
      name: "require_mod",
      type: "bool",
      default: "false",
      description: "Only moderators may trigger.",
    },
    {
      name: "require_bot_owner",
      type: "bool",
      default: "false",
      description: "Only the bot owner may trigger.",
    },
    {
      name: "require_permission",
      type: "string|null",
      default: "null",
      description: "Permission name required.",
    },
    {
      name: "cooldown_seconds",
      type: "number",
      default: "0",
      description: "Global cooldown, >= 0.",
    },
    {
      name: "user_cooldown_seconds",
      type: "number",
      default: "0",
      description: "Per-user cooldown, >= 0.",
    },
    {
      name: "message_min_length",
      type: "int",
      default: "0",
      description: "Minimum message length, >= 0.",
    },
    {
      name: "case_sensitive",
      type: "bool",
      default: "false",
      description: "Match the pattern case-sensitively.",
    },
  ],
  parse(r: ConfigReader): CommandTriggerConfig {
    const permission = r.value("require_permission");
    if (permission !== undefined && permission !== null && typeof permission !== "string") {
      r.error("require_permission", "must be a string or null");
    }
    return {
      commandPattern: r.string("command_pattern", "", { required: true }),
      platforms: r.stringList("platforms", { nonEmpty: true }),
      requireMod: r.boolean("require_mod", false),
      requireBotOwner: r.boolean("require_bot_owner", false),
      requirePermission: typeof permission === "string" ? permission : null,
      cooldownSeconds: r.number("cooldown_seconds", 0, { min: 0 }),
      userCooldownSeconds: r.number("user_cooldown_seconds", 0, { min: 0 }),
      messageMinLength: r.number("message_min_length", 0, { min: 0, integer: true }),
      caseSensitive: r.boolean("case_sensitive", false),
    };
  },
  outputPorts: () => triggerPorts,
});

interface EventTriggerConfig {
  eventType: string;
  platforms: string[];
  eventFilters: JsonObject;
}

export const triggerEvent = defineNodeType<EventTriggerConfig>({
  type: "trigger_event",
  category: "trigger",
  summary: "Entry point for a platform event (follow, subscription, raid, ...).",
  inputPorts: [],
  portsDoc,
  fields: [
    {
      name: "event_type",
      type: "string",
      default: "(required)",
      description: "Event name, e.g. `follow`.",
    },
    platformsDoc,
    {
      name: "event_filters",
      type: "object",
      default: "{}",
      description: "Filters the event source applies.",
    },
  ],
  parse(r) {
    return {
      eventType: r.string("event_type", "", { required: true }),
      platforms: r.stringList("platforms", { nonEmpty: true }),
      eventFilters: r.object("event_filters"),
    };
  },
  outputPorts: () => triggerPorts,
});

interface WebhookTriggerConfig {
  webhookPath: string;
  requireAuth: boolean;
  requireSignature: boolean;
  allowedIps: string[];
}

const ipv4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;
const ipv6 = /^[0-9A-Fa-f:.]+$/;

function checkAddress(entry: string): boolean {
  const [address, prefix, extra] = entry.split("/");
  if (extra !== undefined || address === undefined) return false;
  const v4 = ipv4.test(address);
  const v6 = !v4 && address.includes(":") && ipv6.test(address);
  if (!v4 && !v6) return false;
  if (prefix === undefined) return true;
  if (!/^\d+$/.test(prefix)) return false;
  return Number(prefix) <= (v4 ? 32 : 128);
}

export const triggerWebhook = defineNodeType<WebhookTriggerConfig>({
  type: "trigger_webhook",
  category: "trigger",
  summary: "Entry point for an inbound webhook call; the request body is the trigger data.",
  inputPorts: [],
  portsDoc,
  fields: [
    {
      name: "webhook_path",
      type: "string",
      default: "(required)",
      description: "Path, starting with `/`.",
    },
    {
      name: "require_auth",
      type: "bool",
      default: "true",
      description: "Caller must authenticate.",
    },
    {
      name: "require_signature",
      type: "bool",
      default: "false",
      description: "Caller must sign the body.",
    },
    {
      name: "allowed_ips",
      type: "string[]",
      default: "[]",
      description: "IPs or CIDR ranges allowed; empty = any.",
    },
  ],
  parse(r) {
    const path = r.string("webhook_path", "", { required: true });
    if (path !== "" && !path.startsWith("/")) r.error("webhook_path", "must start with /");
    const allowedIps = r.stringList("allowed_ips");
    allowedIps.forEach((entry, i) => {
      if (!checkAddress(entry))
        r.error(`allowed_ips[${i}]`, `"${entry}" is not an IP address or CIDR range`);
    });
    return {
      webhookPath: path,
      requireAuth: r.boolean("require_auth", true),
      requireSignature: r.boolean("require_signature", false),
      allowedIps,
    };
  },
  outputPorts: () => triggerPorts,
});

interface ScheduleTriggerConfig {
  cronExpression: string;
  timezone: string;
  maxExecutions: number | null;
}

function validTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

export const triggerSchedule = defineNodeType<ScheduleTriggerConfig>({
  type: "trigger_schedule",
  category: "trigger",
  summary:
    "Entry point for a cron schedule; the scheduler passes the schedule data as trigger data.",
  inputPorts: [],
  portsDoc,
  fields: [
    {
      name: "cron_expression",
      type: "string",
      default: "(required)",
      description:
        "5 fields (minute hour day month weekday) or 6 (seconds first), or @hourly/@daily/@weekly/@monthly/@yearly. Names such as MON and JAN, ranges, steps, lists and `?` are accepted.",
    },
    { name: "timezone", type: "string", default: "UTC", description: "IANA time zone name." },
    {
      name: "max_executions",
      type: "int|null",
      default: "null",
      description: "Stop after this many runs (>= 1).",
    },
  ],
  parse(r) {
    const cron = r.string("cron_expression", "", { required: true });
    if (cron.trim() !== "") {
      const problem = checkCron(cron);
      if (problem !== null) r.error("cron_expression", problem);
    }
    const timezone = r.string("timezone", "UTC");
    if (!validTimeZone(timezone)) r.error("timezone", `unknown time zone "${timezone}"`);
    const max = r.value("max_executions");
    let maxExecutions: number | null = null;
    if (max !== undefined && max !== null)
      maxExecutions = r.number("max_executions", 1, { min: 1, integer: true });
    return { cronExpression: cron, timezone, maxExecutions };
  },
  outputPorts: () => triggerPorts,
});

export const TRIGGER_TYPES: ReadonlySet<string> = new Set([
  "trigger_command",
  "trigger_event",
  "trigger_webhook",
  "trigger_schedule",
]);
