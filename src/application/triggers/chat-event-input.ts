import type { ChatEvent } from "../../domain/triggers/chat-event.js";
import { InputCheck } from "../input-limits/input-check.js";
import { inputLimits } from "../input-limits/input-limits.js";

const eventTypePattern = /^[a-z][a-z0-9_.]{0,63}$/;

/** Checks a dispatched event against the input limits; throws BAD_REQUEST naming each field. */
export function checkChatEvent(event: ChatEvent): void {
  const { text, list, size } = inputLimits;
  const check = new InputCheck();
  const required: [string, string][] = [
    [event.eventId, "event_id"],
    [event.platform, "platform"],
    [event.channelId, "channel_id"],
  ];
  for (const [value, field] of required) {
    if (value.trim() === "") check.add(field, `${field} is required`);
  }
  check.text(event.eventId, "event_id", text.id);
  check.text(event.platform, "platform", text.triggerField);
  check.text(event.channelId, "channel_id", text.triggerField);
  if (!Number.isSafeInteger(event.communityId) || event.communityId <= 0) {
    check.add("community_id", "community_id is required");
  }
  if (!eventTypePattern.test(event.eventType)) {
    check.add(
      "event_type",
      "event_type must be lower case letters, digits, _ or . (e.g. message, command, follow)",
    );
  }
  check.text(event.user.id, "user.id", text.userId);
  check.text(event.user.name, "user.name", text.userId);
  check.texts(event.user.roles, "user.roles", list.roles, text.role);
  check.texts(event.user.permissions, "user.permissions", list.roles, text.role);
  check.text(event.message, "message", text.chatMessage);
  if (
    check.json(event.data, "data") &&
    JSON.stringify(event.data).length > size.variablesAndTriggerData
  ) {
    check.add("data", `data exceeds ${size.variablesAndTriggerData} bytes`);
  }
  check.throwIfAny("invalid chat event");
}
