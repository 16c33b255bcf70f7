import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { limitChecks } from "../../../../src/application/triggers/limit-checks.js";
import type { ChatEvent } from "../../../../src/domain/triggers/chat-event.js";
import {
  commandKeyword,
  parseCommandText,
  splitArguments,
} from "../../../../src/domain/triggers/command-text.js";
import { failedFilter } from "../../../../src/domain/triggers/event-filters.js";
import { matchRule } from "../../../../src/domain/triggers/match-rule.js";
import type { TriggerRule } from "../../../../src/domain/triggers/trigger-rule.js";

const limits: TriggerRule["limits"] = {
  channels: [],
  requireMod: false,
  allowedRoles: [],
  cooldownSeconds: 0,
  userCooldownSeconds: 0,
  cooldownBypassRoles: [],
  concurrencyScope: "none",
  maxConcurrent: 1,
  cooldownReplyWorkflowId: null,
};

const rule = (over: Partial<TriggerRule> = {}): TriggerRule => ({
  workflowId: "wf",
  workflowVersion: 1,
  communityId: 1,
  entityId: 1,
  nodeId: "start",
  kind: "command",
  eventType: "command",
  keywords: ["hi"],
  platforms: ["twitch"],
  command: {
    prefix: "!",
    words: ["hi"],
    aliases: [],
    caseSensitive: false,
    minArgs: 0,
    maxArgs: null,
    argumentNames: [],
    messageMinLength: 0,
    requireBotOwner: false,
    requirePermission: null,
  },
  filters: {},
  limits,
  ...over,
});

const event = (over: Partial<ChatEvent> = {}): ChatEvent => ({
  eventId: "e",
  platform: "Twitch",
  communityId: 1,
  channelId: "c",
  eventType: "message",
  user: { id: "u", name: "n", roles: [], permissions: [] },
  message: "!hi",
  data: {},
  ...over,
});

describe("command text", () => {
  it("splits prefix, word and quoted arguments", () => {
    assert.deepEqual(parseCommandText("  !Give bob"), { prefix: "!", word: "Give", rest: "bob" });
    assert.deepEqual(parseCommandText("??"), null);
    assert.equal(commandKeyword("!GiveAway now"), "giveaway");
    assert.deepEqual(splitArguments('a "b c" "d \\"e\\"" ""'), ["a", "b c", 'd "e"', ""]);
  });
});

describe("matchRule", () => {
  it("matches the platform case-insensitively, refuses other event types for commands", () => {
    assert.equal(matchRule(rule(), event()).kind, "matched");
    assert.equal(matchRule(rule(), event({ eventType: "follow" })).kind, "no_match");
    assert.equal(matchRule(rule(), event({ platform: "discord" })).kind, "no_match");
    assert.equal(matchRule(rule(), event({ message: "?hi" })).kind, "no_match");
  });

  it("a moderator-only trigger denies others; permissions count as roles", () => {
    const mod = rule({ limits: { ...limits, requireMod: true } });
    const denied = matchRule(mod, event());
    assert.equal(denied.kind === "denied" && denied.reason, "requires_moderator");
    assert.equal(
      matchRule(mod, event({ user: { id: "u", name: "n", roles: ["Moderator"], permissions: [] } }))
        .kind,
      "matched",
    );
  });
});

describe("event filters", () => {
  it("paths default to data; scalars, lists and ranges", () => {
    const view = { user: { name: "ann" }, message: "Hello There", data: { amount: 5, tier: "2" } };
    assert.equal(failedFilter({ amount: { min: 1, max: 5 }, tier: ["1", "2"] }, view), null);
    assert.equal(failedFilter({ "user.name": "bob" }, view), "user.name");
    assert.equal(failedFilter({ message: { contains: "there" } }, view), null);
    assert.equal(failedFilter({ missing: 1 }, view), "missing");
  });
});

describe("limitChecks", () => {
  it("orders rate, concurrency, cooldowns; bypass roles skip the cooldowns", () => {
    const limited = rule({
      limits: {
        ...limits,
        cooldownSeconds: 5,
        userCooldownSeconds: 60,
        concurrencyScope: "channel",
        cooldownBypassRoles: ["vip"],
      },
    });
    const runFor = { platform: "Twitch", channelId: "c1", userId: "u1", roles: [] };
    assert.deepEqual(
      limitChecks(1, limited, runFor, { max: 10, windowMs: 1000 }).map((c) => `${c.kind}:${c.key}`),
      [
        "rate:rate:c:1",
        "concurrency:run:wf:start:ch:twitch:c1",
        "cooldown:cd:wf:start",
        "cooldown:cd:wf:start:u:twitch:u1",
      ],
    );
    assert.deepEqual(
      limitChecks(1, limited, { ...runFor, roles: ["VIP"] }, null).map((c) => c.kind),
      ["concurrency"],
    );
  });
});
