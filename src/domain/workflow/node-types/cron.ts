const monthNames = [
  "JAN",
  "FEB",
  "MAR",
  "APR",
  "MAY",
  "JUN",
  "JUL",
  "AUG",
  "SEP",
  "OCT",
  "NOV",
  "DEC",
];
const dayNames = ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"];
const macros = new Set([
  "@yearly",
  "@annually",
  "@monthly",
  "@weekly",
  "@daily",
  "@midnight",
  "@hourly",
]);

interface FieldRule {
  name: string;
  min: number;
  max: number;
  names?: readonly string[];
  /** First name's number (JAN = 1, SUN = 0). */
  nameBase?: number;
  question?: boolean;
}

const minute: FieldRule = { name: "minute", min: 0, max: 59 };
const fiveFields: readonly FieldRule[] = [
  minute,
  { name: "hour", min: 0, max: 23 },
  { name: "day of month", min: 1, max: 31, question: true },
  { name: "month", min: 1, max: 12, names: monthNames, nameBase: 1 },
  { name: "day of week", min: 0, max: 7, names: dayNames, nameBase: 0, question: true },
];

/**
 * Checks a 5-field (minute first) or 6-field (second first) cron expression, or a macro such
 * as @daily. Accepts month and weekday names (JAN, MON), ranges, steps, lists and `?` in the
 * day fields. Returns an error message, or null when valid.
 */
export function checkCron(expression: string): string | null {
  const text = expression.trim();
  if (text === "") return "is required";
  if (text.startsWith("@")) return macros.has(text.toLowerCase()) ? null : `unknown macro ${text}`;
  const parts = text.split(/\s+/);
  let rules: readonly FieldRule[];
  if (parts.length === 5) rules = fiveFields;
  else if (parts.length === 6) rules = [{ name: "second", min: 0, max: 59 }, ...fiveFields];
  else return `needs 5 or 6 fields, found ${parts.length}`;
  for (let i = 0; i < parts.length; i++) {
    const problem = checkField(parts[i] as string, rules[i] as FieldRule);
    if (problem !== null) return `${(rules[i] as FieldRule).name} field "${parts[i]}": ${problem}`;
  }
  return null;
}

function checkField(field: string, rule: FieldRule): string | null {
  if (field === "?") return rule.question ? null : "? is only allowed in the day fields";
  for (const item of field.split(",")) {
    if (item === "") return "empty list item";
    const [range, step, extra] = item.split("/");
    if (extra !== undefined) return "more than one /";
    if (step !== undefined && !/^\d+$/.test(step)) return `step "${step}" is not a number`;
    if (step !== undefined && Number(step) === 0) return "step must be at least 1";
    if (range === "*") continue;
    const bounds = (range ?? "").split("-");
    if (bounds.length > 2) return `bad range "${range}"`;
    const values: number[] = [];
    for (const bound of bounds) {
      const value = cronValue(bound, rule);
      if (value === null) return `"${bound}" is not a valid ${rule.name}`;
      values.push(value);
    }
    if (values.length === 2 && (values[0] as number) > (values[1] as number)) {
      return `range "${range}" runs backwards`;
    }
  }
  return null;
}

function cronValue(text: string, rule: FieldRule): number | null {
  let value: number;
  if (/^\d+$/.test(text)) value = Number(text);
  else {
    const index = rule.names?.indexOf(text.toUpperCase()) ?? -1;
    if (index < 0) return null;
    value = index + (rule.nameBase ?? 0);
  }
  return value >= rule.min && value <= rule.max ? value : null;
}
