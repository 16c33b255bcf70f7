import type { JsonObject, JsonValue } from "../json.js";
import { jsonSize } from "./json-size.js";
import { RunLimitError } from "./node-failure.js";

/** Compares write stamps lexicographically; a shorter prefix is smaller. */
export function compareStamps(a: readonly number[], b: readonly number[]): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const d = (a[i] as number) - (b[i] as number);
    if (d !== 0) return d;
  }
  return a.length - b.length;
}

/**
 * The execution's variables. The write rule makes parallel branches deterministic: a write is
 * applied unless the variable was last written by a node with a larger stamp (rank in the
 * workflow's topological order, with loop iteration numbers for body nodes). Sequential writes
 * always have growing stamps, so they apply in order; concurrent writes resolve by stamp, not by
 * which branch finished first.
 */
export class VariableStore {
  readonly values: JsonObject;
  private readonly stamps = new Map<string, readonly number[]>();
  private readonly sizes = new Map<string, number>();
  private bytes = 0;

  constructor(
    initial: JsonObject,
    private readonly maxBytes: number,
    stamps: Record<string, number[]> = {},
  ) {
    this.values = {};
    for (const [name, value] of Object.entries(initial)) this.put(name, value);
    for (const [name, stamp] of Object.entries(stamps)) this.stamps.set(name, stamp);
    this.checkSize();
  }

  /** Returns false when a later-ranked concurrent write already holds the variable. */
  write(name: string, value: JsonValue, stamp: readonly number[]): boolean {
    const current = this.stamps.get(name);
    if (current !== undefined && compareStamps(current, stamp) > 0) return false;
    this.stamps.set(name, stamp);
    this.put(name, value);
    this.checkSize();
    return true;
  }

  snapshot(): JsonObject {
    return { ...this.values };
  }

  stampsSnapshot(): Record<string, number[]> {
    const out: Record<string, number[]> = {};
    for (const [name, stamp] of this.stamps) out[name] = [...stamp];
    return out;
  }

  private put(name: string, value: JsonValue): void {
    const size = name.length + 4 + jsonSize(value, this.maxBytes + 1);
    this.bytes += size - (this.sizes.get(name) ?? 0);
    this.sizes.set(name, size);
    if (name === "__proto__") {
      Object.defineProperty(this.values, name, {
        value,
        enumerable: true,
        writable: true,
        configurable: true,
      });
    } else {
      this.values[name] = value;
    }
  }

  private checkSize(): void {
    if (this.bytes > this.maxBytes) {
      throw new RunLimitError(
        `variables total about ${this.bytes} bytes; the limit is ${this.maxBytes}`,
        "PAYLOAD_TOO_LARGE",
      );
    }
  }
}
