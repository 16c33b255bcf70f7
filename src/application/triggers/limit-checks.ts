import type { TriggerRule } from "../../domain/triggers/trigger-rule.js";
import type { LimitCheck } from "../../ports/trigger-store.js";

/** The per-community run rate (RUN_RATE_LIMIT per RUN_RATE_WINDOW_SECONDS); null = none. */
export interface CommunityRate {
  max: number;
  windowMs: number;
}

/** Who a run is for: the chat user, or the API caller. */
export interface RunFor {
  platform: string;
  channelId: string;
  userId: string;
  roles: readonly string[];
}

/**
 * The limits one run must pass, in the order the database takes them (community rate, then
 * concurrency, then the global and the per-user cooldown: every admission takes its rows in
 * this order, so concurrent admissions cannot deadlock).
 */
export function limitChecks(
  communityId: number,
  rule: TriggerRule | null,
  runFor: RunFor,
  rate: CommunityRate | null,
): LimitCheck[] {
  const checks: LimitCheck[] = [];
  if (rate !== null) {
    checks.push({
      kind: "rate",
      key: `rate:c:${communityId}`,
      max: rate.max,
      windowMs: rate.windowMs,
    });
  }
  if (rule === null) return checks;
  const { limits } = rule;
  const base = `${rule.workflowId}:${rule.nodeId}`;
  const user = `${runFor.platform.toLowerCase()}:${runFor.userId}`;
  if (limits.concurrencyScope !== "none") {
    const scoped =
      limits.concurrencyScope === "channel"
        ? `:ch:${runFor.platform.toLowerCase()}:${runFor.channelId}`
        : limits.concurrencyScope === "user"
          ? `:u:${user}`
          : "";
    checks.push({ kind: "concurrency", key: `run:${base}${scoped}`, max: limits.maxConcurrent });
  }
  const roles = new Set(runFor.roles.map((r) => r.toLowerCase()));
  const bypass = limits.cooldownBypassRoles.some((r) => roles.has(r));
  if (!bypass && limits.cooldownSeconds > 0) {
    checks.push({
      kind: "cooldown",
      key: `cd:${base}`,
      durationMs: Math.round(limits.cooldownSeconds * 1000),
      scope: "global",
    });
  }
  if (!bypass && limits.userCooldownSeconds > 0) {
    checks.push({
      kind: "cooldown",
      key: `cd:${base}:u:${user}`,
      durationMs: Math.round(limits.userCooldownSeconds * 1000),
      scope: "user",
    });
  }
  return checks;
}
