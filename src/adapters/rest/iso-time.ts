/** ISO-8601 in UTC, or null. */
export function isoTime(date: Date | null | undefined): string | null {
  return date ? date.toISOString() : null;
}

/** Milliseconds as seconds with millisecond precision, or null. */
export function seconds(ms: number | null | undefined): number | null {
  return ms === null || ms === undefined ? null : Math.round(ms) / 1000;
}
