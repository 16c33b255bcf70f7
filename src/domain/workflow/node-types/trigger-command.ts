import { commandKeyword } from "../../triggers/command-text.js";
import type { ConfigReader } from "../config-reader.js";
import { defineNodeType, type FieldDoc } from "../node-type-spec.js";
import {
  parseTriggerLimits,
  type TriggerLimitsConfig,
  triggerLimitFields,
} from "./trigger-limits.js";

const identifier = /^[A-Za-z_][A-Za-z0-9_]*$/;

export interface CommandTriggerConfig extends TriggerLimitsConfig {
  commandPattern: string;
  aliases: string[];
  platforms: string[];
  requireBotOwner: boolean;
  requirePermission: string | null;
  messageMinLength: number;
  caseSensitive: boolean;
  minArgs: number;
  maxArgs: number | null;
  argumentNames: string[];
}

export const platformsDoc: FieldDoc = {
  name: "platforms",
  type: "string[]",
  default: "(required)",
  description: "Platforms the trigger listens on, at least one (e.g. twitch, discord, slack).",
};

export const cooldownFields: readonly FieldDoc[] = [
  {
    name: "require_mod",
    type: "bool",
    default: "false",
    description: "Only moderators (roles moderator or broadcaster) may trigger.",
  },
  {
    name: "cooldown_seconds",
    type: "number",
    default: "0",
    description: "Global cooldown of this trigger in its community, >= 0.",
  },
  {
    name: "user_cooldown_seconds",
    type: "number",
    default: "0",
    description: "Per-user cooldown, >= 0.",
  },
];

export function parseCooldowns(r: ConfigReader) {
  return {
    requireMod: r.boolean("require_mod", false),
    cooldownSeconds: r.number("cooldown_seconds", 0, { min: 0 }),
    userCooldownSeconds: r.number("user_cooldown_seconds", 0, { min: 0 }),
  };
}

export const triggerCommand = defineNodeType<CommandTriggerConfig>({
  type: "trigger_command",
  category: "trigger",
  summary:
    "Entry point for a chat command. DispatchChatEvent matches the prefix and command word (or an alias), platform, channel, roles, cooldowns and limits, then starts the run; the node's output is the trigger data, with the arguments in `trigger.args`.",
  inputPorts: [],
  portsDoc: "out: `output` (fires with the trigger data)",
  fields: [
    {
      name: "command_pattern",
      type: "string",
      default: "(required)",
      description:
        "Prefix and command, e.g. `!hello`; more words (`!giveaway start`) must follow in that order. The prefix is the leading punctuation.",
    },
    {
      name: "aliases",
      type: "string[]",
      default: "[]",
      description: 'Other command words (with or without the prefix), e.g. `["hi", "!hey"]`.',
    },
    platformsDoc,
    ...cooldownFields,
    {
      name: "require_bot_owner",
      type: "bool",
      default: "false",
      description: "Only the bot owner (role bot_owner) may trigger.",
    },
    {
      name: "require_permission",
      type: "string|null",
      default: "null",
      description: "A role or permission the user must hold (user roles or permissions).",
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
      description: "Match the command word case-sensitively.",
    },
    {
      name: "min_args",
      type: "int",
      default: "0",
      description: "Fewest arguments; fewer answers `denied` (reason bad_arguments).",
    },
    {
      name: "max_args",
      type: "int|null",
      default: "null",
      description: "Most arguments; null = any number.",
    },
    {
      name: "argument_names",
      type: "identifier[]",
      default: "[]",
      description:
        "Names for the arguments in order: `trigger.named_args.<name>`; the last name takes the rest of the text.",
    },
    ...triggerLimitFields,
  ],
  parse(r: ConfigReader): CommandTriggerConfig {
    const permission = r.value("require_permission");
    if (permission !== undefined && permission !== null && typeof permission !== "string") {
      r.error("require_permission", "must be a string or null");
    }
    const commandPattern = r.string("command_pattern", "", { required: true });
    if (commandPattern.trim() !== "" && commandKeyword(commandPattern) === null) {
      r.error("command_pattern", "needs a command word after the prefix");
    }
    const aliases = r.stringList("aliases");
    aliases.forEach((alias, i) => {
      if (commandKeyword(alias) === null || /\s/u.test(alias.trim())) {
        r.error(`aliases[${i}]`, "must be one command word");
      }
    });
    const minArgs = r.number("min_args", 0, { min: 0, max: 100, integer: true });
    const max = r.value("max_args");
    const maxArgs =
      max === undefined || max === null
        ? null
        : r.number("max_args", 100, { min: 0, max: 100, integer: true });
    if (maxArgs !== null && maxArgs < minArgs) r.error("max_args", "must be at least min_args");
    const argumentNames = r.stringList("argument_names");
    argumentNames.forEach((name, i) => {
      if (!identifier.test(name)) r.error(`argument_names[${i}]`, "must be an identifier");
    });
    return {
      ...parseTriggerLimits(r, parseCooldowns(r)),
      commandPattern,
      aliases,
      platforms: r.stringList("platforms", { nonEmpty: true }),
      requireBotOwner: r.boolean("require_bot_owner", false),
      requirePermission: typeof permission === "string" ? permission : null,
      messageMinLength: r.number("message_min_length", 0, { min: 0, integer: true }),
      caseSensitive: r.boolean("case_sensitive", false),
      minArgs,
      maxArgs,
      argumentNames,
    };
  },
  outputPorts: () => ["output"],
});
