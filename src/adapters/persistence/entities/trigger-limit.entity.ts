import { defineEntity, p } from "@mikro-orm/core";

/**
 * `trigger_limits`: one row per cooldown, rate window or concurrency key. Each is changed by a
 * single conditional upsert, so processes sharing the database agree on every admission.
 */
export const TriggerLimitEntity = defineEntity({
  name: "TriggerLimitRow",
  tableName: "trigger_limits",
  properties: {
    limitKey: p.text().primary(),
    /** Cooldown: epoch ms until which the key is cooling down. */
    untilMs: p.bigint("number").default(0),
    /** Rate limit: epoch ms the current window began. */
    windowStartMs: p.bigint("number").default(0),
    /** Rate limit: admissions in the current window. */
    hits: p.integer().default(0),
  },
});
