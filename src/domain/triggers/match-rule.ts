import type { JsonObject, JsonValue } from "../json.js";
import { type ChatEvent, commandEventTypes, eventView, moderatorRoles } from "./chat-event.js";
import { parseCommandText, splitArguments } from "./command-text.js";
import { failedFilter } from "./event-filters.js";
import type { CommandRule, TriggerRule } from "./trigger-rule.js";

export type DenyReason =
  | "requires_moderator"
  | "requires_bot_owner"
  | "requires_permission"
  | "requires_role"
  | "message_too_short"
  | "bad_arguments";

export type MatchResult =
  | { kind: "no_match"; detail: string }
  | { kind: "denied"; reason: DenyReason; detail: string }
  | { kind: "matched"; triggerData: JsonObject };

/**
 * Whether `event` fires `rule`: platform, channel, event type, command text or filters decide
 * a match; roles, length and arguments of a match may still deny it. Pure: the same answer on
 * every process.
 */
export function matchRule(rule: TriggerRule, event: ChatEvent): MatchResult {
  const platform = event.platform.toLowerCase();
  if (!rule.platforms.includes(platform)) {
    return { kind: "no_match", detail: `not listening on ${platform}` };
  }
  const { channels } = rule.limits;
  if (channels.length > 0 && !channels.includes(event.channelId)) {
    return { kind: "no_match", detail: `not listening in channel ${event.channelId}` };
  }
  let commandData: JsonObject = {};
  if (rule.command !== null) {
    if (!commandEventTypes.has(event.eventType)) {
      return { kind: "no_match", detail: `${event.eventType} is not a message` };
    }
    const command = matchCommand(rule.command, event.message);
    if (command.kind !== "matched") return command;
    commandData = command.triggerData;
  } else {
    if (rule.eventType !== event.eventType) {
      return { kind: "no_match", detail: `listens for ${rule.eventType}` };
    }
    const failed = failedFilter(rule.filters, eventView(event));
    if (failed !== null) return { kind: "no_match", detail: `filter ${failed} does not hold` };
  }
  const denied = checkRoles(rule, event);
  if (denied !== null) return denied;
  return { kind: "matched", triggerData: { ...triggerDataOf(event), ...commandData } };
}

function matchCommand(rule: CommandRule, message: string): MatchResult {
  const parsed = parseCommandText(message);
  if (parsed === null || parsed.prefix !== rule.prefix) {
    return { kind: "no_match", detail: `not a ${rule.prefix || "prefix-less"} command` };
  }
  const same = (a: string, b: string) =>
    rule.caseSensitive ? a === b : a.toLowerCase() === b.toLowerCase();
  const [word, ...subWords] = rule.words as [string, ...string[]];
  const isAlias = rule.aliases.some((alias) => same(alias, parsed.word));
  if (!same(word, parsed.word) && !isAlias) {
    return { kind: "no_match", detail: `command ${parsed.word} is not ${word}` };
  }
  let tokens = splitArguments(parsed.rest);
  for (const expected of subWords) {
    const next = tokens[0];
    if (next === undefined || !same(expected, next)) {
      return { kind: "no_match", detail: `expects "${rule.words.join(" ")}"` };
    }
    tokens = tokens.slice(1);
  }
  if (message.trim().length < rule.messageMinLength) {
    return {
      kind: "denied",
      reason: "message_too_short",
      detail: `the message needs at least ${rule.messageMinLength} characters`,
    };
  }
  if (tokens.length < rule.minArgs || (rule.maxArgs !== null && tokens.length > rule.maxArgs)) {
    const most = rule.maxArgs === null ? "or more" : `to ${rule.maxArgs}`;
    return {
      kind: "denied",
      reason: "bad_arguments",
      detail: `${rule.prefix}${word} takes ${rule.minArgs} ${most} arguments, got ${tokens.length}`,
    };
  }
  const argText = restAfter(parsed.rest, subWords.length);
  return {
    kind: "matched",
    triggerData: {
      command: `${rule.prefix}${word}`.toLowerCase(),
      command_word: parsed.word,
      args: tokens,
      arg_text: argText,
      named_args: namedArgs(rule.argumentNames, tokens),
    },
  };
}

/** The argument text after `skip` sub-command words, as typed. */
function restAfter(rest: string, skip: number): string {
  let text = rest;
  for (let i = 0; i < skip; i++) text = text.replace(/^\S+\s*/u, "");
  return text.trim();
}

function namedArgs(names: readonly string[], tokens: readonly string[]): JsonObject {
  const named: JsonObject = {};
  names.forEach((name, i) => {
    const last = i === names.length - 1;
    const value: JsonValue | undefined = last ? tokens.slice(i).join(" ") : tokens[i];
    if (value !== undefined && value !== "") named[name] = value;
  });
  return named;
}

function checkRoles(rule: TriggerRule, event: ChatEvent): MatchResult | null {
  const roles = new Set(event.user.roles.map((r) => r.toLowerCase()));
  const { limits, command } = rule;
  if (limits.requireMod && ![...moderatorRoles].some((r) => roles.has(r))) {
    return { kind: "denied", reason: "requires_moderator", detail: "moderators only" };
  }
  if (command?.requireBotOwner && !roles.has("bot_owner")) {
    return { kind: "denied", reason: "requires_bot_owner", detail: "the bot owner only" };
  }
  const permission = command?.requirePermission ?? null;
  if (
    permission !== null &&
    !roles.has(permission.toLowerCase()) &&
    !event.user.permissions.includes(permission)
  ) {
    return { kind: "denied", reason: "requires_permission", detail: `needs ${permission}` };
  }
  if (limits.allowedRoles.length > 0 && !limits.allowedRoles.some((r) => roles.has(r))) {
    return {
      kind: "denied",
      reason: "requires_role",
      detail: `needs one of the roles ${limits.allowedRoles.join(", ")}`,
    };
  }
  return null;
}

/** What every run started by a chat event sees as `trigger.*`. */
export function triggerDataOf(event: ChatEvent): JsonObject {
  return {
    event_id: event.eventId,
    event_type: event.eventType,
    platform: event.platform,
    channel_id: event.channelId,
    user: event.user.name,
    user_id: event.user.id,
    username: event.user.name,
    roles: event.user.roles,
    message: event.message,
    data: event.data,
  };
}
