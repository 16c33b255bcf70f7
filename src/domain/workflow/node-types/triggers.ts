import type { JsonObject } from "../../json.js";
import { checkEventFilter } from "../../triggers/event-filters.js";
import { defineNodeType } from "../node-type-spec.js";
import { checkCron } from "./cron.js";
import { cooldownFields, parseCooldowns, platformsDoc, triggerCommand } from "./trigger-command.js";
import {
  parseTriggerLimits,
  type TriggerLimitsConfig,
  triggerLimitFields,
} from "./trigger-limits.js";
import { triggerWebhook } from "./trigger-webhook.js";

export { triggerCommand, triggerWebhook };

const triggerPorts = ["output"] as const;
const portsDoc = "out: `output` (fires with the trigger data)";

export interface EventTriggerConfig extends TriggerLimitsConfig {
  eventType: string;
  platforms: string[];
  eventFilters: JsonObject;
}

const eventTypePattern = /^[a-z][a-z0-9_.]{0,63}$/;

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
      description:
        "Event name, e.g. `follow`, `subscription`, `raid`, `cheer`, `message` (lower case letters, digits, `_`, `.`).",
    },
    platformsDoc,
    {
      name: "event_filters",
      type: "object",
      default: "{}",
      description:
        "Conditions on the event, all must hold: `{path: value}` with a dotted path into the event (`data.amount`, `user.name`, `message`); the value is a scalar (equal), a list (one of), or `{min, max, contains, in}`.",
    },
    ...cooldownFields,
    ...triggerLimitFields,
  ],
  parse(r) {
    const eventType = r.string("event_type", "", { required: true });
    if (eventType.trim() !== "" && !eventTypePattern.test(eventType)) {
      r.error("event_type", "must be lower case letters, digits, _ or . (at most 64)");
    }
    const eventFilters = r.object("event_filters");
    for (const [path, expected] of Object.entries(eventFilters)) {
      const problem = checkEventFilter(expected);
      if (problem !== null) r.error(`event_filters.${path}`, problem);
    }
    return {
      ...parseTriggerLimits(r, parseCooldowns(r)),
      eventType,
      platforms: r.stringList("platforms", { nonEmpty: true }),
      eventFilters,
    };
  },
  outputPorts: () => triggerPorts,
});

export interface ScheduleTriggerConfig {
  cronExpression: string;
  timezone: string;
  maxExecutions: number | null;
  misfirePolicy: "fire_once" | "skip";
  overlapPolicy: "allow" | "skip" | "cancel_previous";
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
    {
      name: "misfire_policy",
      type: "string",
      default: "fire_once",
      description:
        "Ticks missed while no process ran (more than 5 s late): `fire_once` starts one run for all of them, `skip` starts none; the schedule then goes on from now.",
    },
    {
      name: "overlap_policy",
      type: "string",
      default: "allow",
      description:
        "When the previous run is still going at a tick: `allow` starts another, `skip` starts none, `cancel_previous` cancels it and starts a new one.",
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
    return {
      cronExpression: cron,
      timezone,
      maxExecutions,
      misfirePolicy: r.oneOf("misfire_policy", ["fire_once", "skip"] as const, "fire_once"),
      overlapPolicy: r.oneOf(
        "overlap_policy",
        ["allow", "skip", "cancel_previous"] as const,
        "allow",
      ),
    };
  },
  outputPorts: () => triggerPorts,
});

export const TRIGGER_TYPES: ReadonlySet<string> = new Set([
  "trigger_command",
  "trigger_event",
  "trigger_webhook",
  "trigger_schedule",
]);
