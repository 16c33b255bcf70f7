import type { JsonObject } from "../json.js";

/** Who did something in chat, as the router reports it. */
export interface ChatUser {
  id: string;
  name: string;
  /** Lower case: broadcaster, moderator, vip, subscriber, bot_owner, ... */
  roles: string[];
  /** Platform or community permissions the router knows of (for require_permission). */
  permissions: string[];
}

/** Something that happened in chat (a message, a command, a follow, a raid, ...). */
export interface ChatEvent {
  /** The router's id of the event: the same id twice starts nothing new. */
  eventId: string;
  platform: string;
  communityId: number;
  /** The channel (entity) it happened in. */
  channelId: string;
  /** message, command, follow, subscription, raid, cheer, ... */
  eventType: string;
  user: ChatUser;
  message: string;
  data: JsonObject;
}

/** Event types of the chat platforms the router forwards (documentation; others are allowed). */
export const wellKnownEventTypes = [
  "message",
  "command",
  "follow",
  "subscription",
  "resubscription",
  "gift_subscription",
  "raid",
  "host",
  "cheer",
  "donation",
  "channel_points",
  "join",
  "leave",
  "ban",
  "timeout",
  "reaction",
  "stream_online",
  "stream_offline",
] as const;

/** Event types whose message may be a command. */
export const commandEventTypes: ReadonlySet<string> = new Set(["message", "command"]);

/** The roles that count as a moderator for require_mod. */
export const moderatorRoles: ReadonlySet<string> = new Set(["moderator", "broadcaster", "owner"]);

/** What event filters and cooldown reply data see of an event. */
export function eventView(event: ChatEvent): JsonObject {
  return {
    event_id: event.eventId,
    event_type: event.eventType,
    platform: event.platform,
    channel_id: event.channelId,
    user: { id: event.user.id, name: event.user.name, roles: event.user.roles },
    message: event.message,
    data: event.data,
  };
}
