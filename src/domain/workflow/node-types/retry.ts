import type { ConfigReader } from "../config-reader.js";
import type { FieldDoc } from "../node-type-spec.js";

/** Attempts and exponential backoff (capped) for a node that fails with a node-level error. */
export interface RetryPolicy {
  maxAttempts: number;
  initialDelayMs: number;
  maxDelayMs: number;
  multiplier: number;
}

export const NO_RETRY: RetryPolicy = {
  maxAttempts: 1,
  initialDelayMs: 1000,
  maxDelayMs: 30_000,
  multiplier: 2,
};

export const retryFieldDoc: FieldDoc = {
  name: "retry",
  type: "object",
  default: "{max_attempts: 1}",
  description:
    "Retry policy: max_attempts (1-10, 1 = no retry), initial_delay_ms (1000), max_delay_ms (30000), multiplier (2). Delay before attempt n+1 = min(max_delay_ms, initial_delay_ms * multiplier^(n-1)), waited on the engine clock.",
};

/** Delay before the attempt after `failedAttempt` (1-based). */
export function retryDelayMs(policy: RetryPolicy, failedAttempt: number): number {
  const raw = policy.initialDelayMs * policy.multiplier ** (failedAttempt - 1);
  return Math.min(policy.maxDelayMs, Math.round(raw));
}

export function readRetry(reader: ConfigReader, defaultAttempts = 1): RetryPolicy {
  const raw = reader.object("retry");
  const known = new Set(["max_attempts", "initial_delay_ms", "max_delay_ms", "multiplier"]);
  for (const key of Object.keys(raw)) {
    if (!known.has(key)) reader.warning(`retry.${key}`, "is not a retry field and is ignored");
  }
  const num = (key: string, fallback: number, min: number, max: number, integer: boolean) => {
    const value = raw[key];
    if (value === undefined || value === null) return fallback;
    if (
      typeof value !== "number" ||
      value < min ||
      value > max ||
      (integer && !Number.isInteger(value))
    ) {
      reader.error(
        `retry.${key}`,
        `must be a ${integer ? "whole " : ""}number from ${min} to ${max}`,
      );
      return fallback;
    }
    return value;
  };
  return {
    maxAttempts: num("max_attempts", defaultAttempts, 1, 10, true),
    initialDelayMs: num("initial_delay_ms", NO_RETRY.initialDelayMs, 0, 300_000, true),
    maxDelayMs: num("max_delay_ms", NO_RETRY.maxDelayMs, 0, 300_000, true),
    multiplier: num("multiplier", NO_RETRY.multiplier, 1, 10, false),
  };
}
