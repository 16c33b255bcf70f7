import { Cron } from "croner";
import type { CronCalendar } from "../../ports/cron-calendar.js";

/**
 * Cron with optional seconds, macros and IANA zones, by croner. Around DST changes a local
 * time that does not exist (spring forward) fires once at the first instant after the gap;
 * one that exists twice (fall back) fires once, at its first occurrence; `0 0 * * * *` fires
 * every real hour.
 */
export class CronerCalendar implements CronCalendar {
  private readonly cache = new Map<string, Cron>();

  next(expression: string, timezone: string, afterMs: number): number | null {
    const key = `${timezone}\u0000${expression}`;
    let cron = this.cache.get(key);
    if (cron === undefined) {
      // Day of month and day of week both set: either may match (classic cron, as the docs say).
      cron = new Cron(expression, { timezone, paused: true, domAndDow: false });
      if (this.cache.size > 10_000) this.cache.clear();
      this.cache.set(key, cron);
    }
    return cron.nextRun(new Date(afterMs))?.getTime() ?? null;
  }
}
