/**
 * JSON as text, with what JSON.stringify cannot write: numbers beyond double (`1e400`), exact
 * big integers, lone surrogates, and invalid UTF-8 once encoded (`Raw` tokens pass verbatim).
 */
export class Raw {
  constructor(readonly text: string) {}
}

export type FuzzJson =
  | null
  | boolean
  | number
  | string
  | Raw
  | FuzzJson[]
  | { [key: string]: FuzzJson };

export function jsonText(value: FuzzJson): string {
  if (value instanceof Raw) return value.text;
  if (Array.isArray(value)) return `[${value.map(jsonText).join(",")}]`;
  if (value !== null && typeof value === "object") {
    const members = Object.entries(value).map(([k, v]) => `${JSON.stringify(k)}:${jsonText(v)}`);
    return `{${members.join(",")}}`;
  }
  // JSON.stringify writes a lone surrogate as an escape (\ud800), which is what a client sends.
  return JSON.stringify(value) ?? "null";
}

/** `depth` levels of arrays or objects around `inner`, as text (no recursion, any depth). */
export function nestedText(depth: number, kind: "array" | "object", inner = "1"): string {
  return kind === "array"
    ? `${"[".repeat(depth)}${inner}${"]".repeat(depth)}`
    : `${'{"a":'.repeat(depth)}${inner}${"}".repeat(depth)}`;
}
