import type { JsonValue } from "../json.js";

const sizes = new WeakMap<object, number>();

/**
 * Approximate JSON size in bytes (UTF-16 code units of the serialisation), stopping early
 * once past `cap`. Sizes of objects are cached, so passing the same output along a chain of
 * nodes is measured once.
 */
export function jsonSize(value: JsonValue, cap: number): number {
  switch (typeof value) {
    case "string":
      return value.length + 2;
    case "number":
      return 8;
    case "boolean":
      return 5;
  }
  if (value === null) return 4;
  const cached = sizes.get(value);
  if (cached !== undefined) return cached;
  let total = 2;
  if (Array.isArray(value)) {
    for (const item of value) {
      total += jsonSize(item, cap - total) + 1;
      if (total > cap) return total;
    }
  } else {
    const keys = Object.keys(value);
    for (let i = 0; i < keys.length; i++) {
      const key = keys[i] as string;
      total += key.length + 4 + jsonSize(value[key] as JsonValue, cap - total);
      if (total > cap) return total;
    }
  }
  if (total > 1024) sizes.set(value, total);
  return total;
}

/** The value itself, or a truncated JSON preview when it is larger than `cap`. */
export function recordValue(
  value: JsonValue,
  cap: number,
): { value: JsonValue; truncated: boolean } {
  if (jsonSize(value, cap) <= cap) return { value, truncated: false };
  return { value: `${JSON.stringify(value).slice(0, cap)}…`, truncated: true };
}
