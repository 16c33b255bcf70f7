import { jsonEqual } from "../expressions/json-equal.js";
import { isJsonObject, type JsonObject, type JsonValue } from "../json.js";

const operators = new Set(["min", "max", "contains", "in", "equals"]);

/** Why an `event_filters` entry is malformed, or null when it is fine. */
export function checkEventFilter(expected: JsonValue): string | null {
  if (!isJsonObject(expected)) return null;
  const keys = Object.keys(expected);
  if (keys.length === 0) return "needs min, max, contains, in or equals";
  for (const key of keys) {
    if (!operators.has(key)) return `unknown operator "${key}" (min, max, contains, in, equals)`;
  }
  for (const bound of ["min", "max"] as const) {
    if (bound in expected && typeof expected[bound] !== "number")
      return `${bound} must be a number`;
  }
  if ("contains" in expected && typeof expected.contains !== "string") {
    return "contains must be a string";
  }
  if ("in" in expected && !Array.isArray(expected.in)) return "in must be a list";
  return null;
}

/** The value at a dotted path; a first segment the event does not have means `data.<path>`. */
export function valueAt(view: JsonObject, path: string): JsonValue | undefined {
  const segments = path.split(".");
  let current: JsonValue | undefined =
    segments[0] !== undefined && segments[0] in view ? view : view.data;
  for (const segment of segments) {
    if (!isJsonObject(current)) return undefined;
    current = current[segment];
  }
  return current;
}

/** The first filter path the event fails, or null when every filter holds. */
export function failedFilter(filters: JsonObject, view: JsonObject): string | null {
  for (const [path, expected] of Object.entries(filters)) {
    if (!holds(expected, valueAt(view, path))) return path;
  }
  return null;
}

function holds(expected: JsonValue, actual: JsonValue | undefined): boolean {
  if (actual === undefined) return false;
  if (Array.isArray(expected)) return expected.some((option) => jsonEqual(option, actual));
  if (!isJsonObject(expected)) return jsonEqual(expected, actual);
  if ("equals" in expected && !jsonEqual(expected.equals as JsonValue, actual)) return false;
  if ("in" in expected && !(expected.in as JsonValue[]).some((o) => jsonEqual(o, actual))) {
    return false;
  }
  if ("min" in expected && !(typeof actual === "number" && actual >= (expected.min as number))) {
    return false;
  }
  if ("max" in expected && !(typeof actual === "number" && actual <= (expected.max as number))) {
    return false;
  }
  if (
    "contains" in expected &&
    !(
      typeof actual === "string" &&
      actual.toLowerCase().includes((expected.contains as string).toLowerCase())
    )
  ) {
    return false;
  }
  return true;
}
