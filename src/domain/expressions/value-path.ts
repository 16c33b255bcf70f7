import type { JsonValue } from "../json.js";
import type { ExpressionBindings } from "../ports/expression-compiler.js";

/**
 * A dotted path such as `trigger.user.name`, `items[0].id` or `count`. The first segment names
 * a top-level binding (`vars`, `trigger`, `nodes`, `execution`, loop names); any other first
 * segment is a variable, so `count` means `vars.count`.
 */
export interface ValuePath {
  readonly source: string;
  readonly root: string;
  readonly segments: readonly (string | number)[];
}

const segmentPattern = /^[A-Za-z_$][A-Za-z0-9_$-]*$/;

/** Parses a path; returns an error message instead of throwing. */
export function parseValuePath(source: string): ValuePath | string {
  const text = source.trim();
  if (text === "") return "path is empty";
  const segments: (string | number)[] = [];
  for (const dotted of text.split(".")) {
    const match = /^([^[\]]*)((?:\[\d+\])*)$/.exec(dotted);
    if (match === null) return `invalid path segment "${dotted}"`;
    const name = match[1] ?? "";
    if (!segmentPattern.test(name)) return `invalid path segment "${dotted}"`;
    segments.push(name);
    for (const index of (match[2] ?? "").matchAll(/\[(\d+)\]/g)) {
      segments.push(Number(index[1]));
    }
  }
  const [root, ...rest] = segments as [string, ...(string | number)[]];
  return { source: text, root, segments: rest };
}

/** Resolves a path against bindings; `undefined` when any step is missing. */
export function resolveValuePath(
  path: ValuePath,
  bindings: ExpressionBindings,
  rootNames: ReadonlySet<string>,
): JsonValue | undefined {
  let current: unknown;
  let rest: readonly (string | number)[] = path.segments;
  if (rootNames.has(path.root)) {
    current = bindings[path.root];
  } else {
    current = bindings.vars;
    rest = [path.root, ...path.segments];
  }
  for (const step of rest) {
    current = stepInto(current, step);
    if (current === undefined) return undefined;
  }
  return current as JsonValue | undefined;
}

function stepInto(value: unknown, step: string | number): unknown {
  if (isMapLike(value)) return value.get(String(step));
  if (Array.isArray(value)) {
    return typeof step === "number" ? value[step] : undefined;
  }
  if (typeof value === "object" && value !== null && typeof step === "string") {
    return Object.hasOwn(value, step) ? (value as Record<string, unknown>)[step] : undefined;
  }
  return undefined;
}

function isMapLike(value: unknown): value is ReadonlyMap<string, unknown> {
  return (
    typeof value === "object" &&
    value !== null &&
    typeof (value as { get?: unknown }).get === "function"
  );
}

/** Resolves a path inside one value (the first segment is a key of `value`). */
export function resolveValuePathIn(value: JsonValue, path: ValuePath): JsonValue | undefined {
  let current: unknown = stepInto(value, path.root);
  for (const step of path.segments) {
    if (current === undefined) return undefined;
    current = stepInto(current, step);
  }
  return current as JsonValue | undefined;
}
