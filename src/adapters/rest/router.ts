/**
 * A minimal router: patterns like `/api/v1/workflows/:id/execute`, literal segments before
 * parameters (so `/workflows/executions/:id` wins over `/workflows/:id`), and a 405 answer
 * with the allowed methods when the path exists under another method.
 */
type RouteMatch<T> =
  | { kind: "found"; route: T; params: Record<string, string> }
  | { kind: "method_not_allowed"; allowed: string[] }
  | { kind: "not_found" };

interface Entry<T> {
  method: string;
  segments: string[];
  route: T;
}

export class Router<T> {
  private readonly entries: Entry<T>[] = [];

  add(method: string, pattern: string, route: T): this {
    this.entries.push({ method: method.toUpperCase(), segments: split(pattern), route });
    // Literal segments outrank parameters position by position.
    this.entries.sort((a, b) => rank(b.segments) - rank(a.segments));
    return this;
  }

  match(method: string, path: string): RouteMatch<T> {
    const segments = split(path);
    const allowed: string[] = [];
    for (const entry of this.entries) {
      const params = matchSegments(entry.segments, segments);
      if (params === null) continue;
      if (entry.method === method.toUpperCase())
        return { kind: "found", route: entry.route, params };
      if (!allowed.includes(entry.method)) allowed.push(entry.method);
    }
    return allowed.length > 0 ? { kind: "method_not_allowed", allowed } : { kind: "not_found" };
  }
}

function split(path: string): string[] {
  return path.split("/").filter((segment) => segment !== "");
}

function rank(segments: string[]): number {
  return segments.reduce(
    (score, segment, i) => score + (segment.startsWith(":") ? 0 : 2 ** (16 - i)),
    0,
  );
}

function matchSegments(pattern: string[], actual: string[]): Record<string, string> | null {
  if (pattern.length !== actual.length) return null;
  const params: Record<string, string> = {};
  for (let i = 0; i < pattern.length; i++) {
    const expected = pattern[i] as string;
    const value = actual[i] as string;
    if (expected.startsWith(":")) {
      let decoded: string;
      try {
        decoded = decodeURIComponent(value);
      } catch {
        return null;
      }
      params[expected.slice(1)] = decoded;
    } else if (expected !== value) {
      return null;
    }
  }
  return params;
}
