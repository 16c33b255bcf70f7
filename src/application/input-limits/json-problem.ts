import type { JsonValue } from "../../domain/json.js";

type PathKey = string | number;

/** What makes a JSON value unstorable: nesting, a NaN/Infinity, or a NUL in a string or key. */
export type JsonProblem = { kind: "too_deep" } | { kind: "nul" | "not_finite"; path: PathKey[] };

interface Frame {
  value: JsonValue;
  /** Nesting level of `value` if it is an array or object (the root is 1). */
  level: number;
  parent: Frame | null;
  key: PathKey | null;
}

/**
 * The first problem of `value`, or null. Iterative (an explicit stack), so a value nested a
 * million levels deep is refused as cheaply as a flat one and never overflows the call stack.
 */
export function findJsonProblem(value: JsonValue, maxDepth: number): JsonProblem | null {
  const stack: Frame[] = [{ value, level: 1, parent: null, key: null }];
  for (let frame = stack.pop(); frame !== undefined; frame = stack.pop()) {
    const current = frame.value;
    if (typeof current === "string") {
      if (current.includes("\0")) return { kind: "nul", path: pathOf(frame) };
    } else if (typeof current === "number") {
      if (!Number.isFinite(current)) return { kind: "not_finite", path: pathOf(frame) };
    } else if (current !== null && typeof current === "object") {
      if (frame.level > maxDepth) return { kind: "too_deep" };
      const level = frame.level + 1;
      if (Array.isArray(current)) {
        for (let i = current.length - 1; i >= 0; i--) {
          stack.push({ value: current[i] as JsonValue, level, parent: frame, key: i });
        }
      } else {
        const keys = Object.keys(current);
        for (let i = keys.length - 1; i >= 0; i--) {
          const key = keys[i] as string;
          if (key.includes("\0")) return { kind: "nul", path: [...pathOf(frame), key] };
          stack.push({ value: current[key] as JsonValue, level, parent: frame, key });
        }
      }
    }
  }
  return null;
}

function pathOf(frame: Frame): PathKey[] {
  const path: PathKey[] = [];
  for (let at: Frame | null = frame; at !== null && at.key !== null; at = at.parent) {
    path.push(at.key);
  }
  return path.reverse();
}

/** `field` followed by `path`: `variables.user.tags[2]`, `config["content-type"]` (long keys cut). */
export function formatPath(field: string, path: PathKey[]): string {
  let text = field;
  for (const key of path) {
    if (typeof key === "number") text += `[${key}]`;
    else if (key.length > 64) text += `[${JSON.stringify(`${key.slice(0, 64)}…`)}]`;
    else if (/^[A-Za-z_][A-Za-z0-9_]*$/.test(key)) text += `.${key}`;
    else text += `[${JSON.stringify(key)}]`;
  }
  return text;
}
