/** Next fire times of cron expressions in IANA time zones (a well-kept library behind it). */
export interface CronCalendar {
  /** The first tick strictly after `afterMs`, or null when there is none. */
  next(expression: string, timezone: string, afterMs: number): number | null;
}
