import {
  type CelInput,
  type CelList,
  type CelValue,
  celMap,
  isCelList,
  isCelMap,
  isCelUint,
} from "@bufbuild/cel";
import type { JsonObject, JsonValue } from "../../domain/json.js";
import type { ExpressionInput } from "../../domain/ports/expression-compiler.js";
import { type CostMeter, READ_CHARS_PER_UNIT } from "./cost-meter.js";

/*
 * JSON values enter CEL through lazy, metered views instead of being copied: an evaluation only
 * pays for the fields it reads. Lists are our own CelList implementations (cel-es recognises
 * lists by the registered symbol below; the version is pinned), which lets list iteration be
 * metered and lets `list + [x]` append in amortised O(1) instead of building deep ConcatList
 * chains, which overflow the stack on iteration past a few thousand elements.
 */
const celListBrand = Symbol.for("@bufbuild/cel/list");

/**
 * Lists and maps that charge the meter for every element their iteration visits: the binding
 * views and the lists functions build. Others (list and map literals) are as large as the
 * expression's source allows at most; a comprehension charges for iterating those.
 */
const selfMetered = new WeakSet<object>();

export function isSelfMetered(value: object): boolean {
  return selfMetered.has(value);
}

/** Converts one JSON value (or the engine's lazy `nodes` map) into a CEL value. */
export function toCelValue(value: ExpressionInput, meter: CostMeter): CelValue {
  if (typeof value !== "object" || value === null) return value as CelValue;
  if (Array.isArray(value)) return new JsonListView(value, meter) as unknown as CelList;
  const map = isReadonlyMap(value)
    ? celMap(new LazyMapView(value, meter))
    : celMap(new JsonObjectView(value as JsonObject, meter));
  selfMetered.add(map);
  return map;
}

function isReadonlyMap(value: object): value is ReadonlyMap<string, JsonValue> {
  return typeof (value as { get?: unknown }).get === "function";
}

class JsonObjectView implements ReadonlyMap<string, CelInput> {
  constructor(
    private readonly object: JsonObject,
    private readonly meter: CostMeter,
  ) {}

  get size(): number {
    return Object.keys(this.object).length;
  }

  get(key: unknown): CelInput | undefined {
    this.meter.charge(1);
    if (typeof key !== "string" || !Object.hasOwn(this.object, key)) return undefined;
    return toCelValue(this.object[key] as JsonValue, this.meter);
  }

  has(key: unknown): boolean {
    return typeof key === "string" && Object.hasOwn(this.object, key);
  }

  *entries(): MapIterator<[string, CelInput]> {
    for (const key of Object.keys(this.object)) {
      this.meter.charge(1);
      yield [key, toCelValue(this.object[key] as JsonValue, this.meter)];
    }
  }

  *keys(): MapIterator<string> {
    for (const key of Object.keys(this.object)) {
      this.meter.charge(1);
      yield key;
    }
  }

  *values(): MapIterator<CelInput> {
    for (const [, value] of this.entries()) yield value;
  }

  forEach(
    callback: (value: CelInput, key: string, map: ReadonlyMap<string, CelInput>) => void,
  ): void {
    for (const [key, value] of this.entries()) callback(value, key, this);
  }

  [Symbol.iterator](): MapIterator<[string, CelInput]> {
    return this.entries();
  }
}

class LazyMapView implements ReadonlyMap<string, CelInput> {
  constructor(
    private readonly map: ReadonlyMap<string, JsonValue>,
    private readonly meter: CostMeter,
  ) {}

  get size(): number {
    return this.map.size;
  }

  get(key: unknown): CelInput | undefined {
    this.meter.charge(1);
    if (typeof key !== "string") return undefined;
    const value = this.map.get(key);
    return value === undefined ? undefined : toCelValue(value, this.meter);
  }

  has(key: unknown): boolean {
    return typeof key === "string" && this.map.has(key);
  }

  *entries(): MapIterator<[string, CelInput]> {
    for (const [key, value] of this.map) {
      this.meter.charge(1);
      yield [key, toCelValue(value, this.meter)];
    }
  }

  *keys(): MapIterator<string> {
    for (const [key] of this.entries()) yield key;
  }

  *values(): MapIterator<CelInput> {
    for (const [, value] of this.entries()) yield value;
  }

  forEach(
    callback: (value: CelInput, key: string, map: ReadonlyMap<string, CelInput>) => void,
  ): void {
    for (const [key, value] of this.entries()) callback(value, key, this);
  }

  [Symbol.iterator](): MapIterator<[string, CelInput]> {
    return this.entries();
  }
}

/** A JSON array seen as a CEL list; elements are converted on access. */
class JsonListView {
  readonly [celListBrand] = {};
  constructor(
    private readonly array: readonly JsonValue[],
    private readonly meter: CostMeter,
  ) {
    selfMetered.add(this);
  }

  get size(): number {
    return this.array.length;
  }

  get(index: number): CelValue | undefined {
    this.meter.charge(1);
    if (index < 0 || index >= this.array.length) return undefined;
    return toCelValue(this.array[index] as JsonValue, this.meter);
  }

  *values(): IterableIterator<CelValue> {
    for (const element of this.array) {
      this.meter.charge(1);
      yield toCelValue(element, this.meter);
    }
  }

  [Symbol.iterator](): IterableIterator<CelValue> {
    return this.values();
  }
}

/**
 * A prefix view of a shared backing array (like a Go slice): appending to the newest view
 * pushes in place, appending to an older view copies, so every view stays immutable.
 */
export class AppendList {
  readonly [celListBrand] = {};
  constructor(
    private readonly backing: CelValue[],
    readonly size: number,
    private readonly meter: CostMeter,
  ) {
    selfMetered.add(this);
  }

  /** A metered list over `array`, which it takes over (and may append to). */
  static of(array: CelValue[], meter: CostMeter): CelList {
    return new AppendList(array, array.length, meter) as unknown as CelList;
  }

  get(index: number): CelValue | undefined {
    if (index < 0 || index >= this.size) return undefined;
    return this.backing[index];
  }

  *values(): IterableIterator<CelValue> {
    for (let i = 0; i < this.size; i++) {
      this.meter.charge(1);
      yield this.backing[i] as CelValue;
    }
  }

  [Symbol.iterator](): IterableIterator<CelValue> {
    return this.values();
  }

  /**
   * `left + right`, charged by the elements it copies: the right side's when it appends in
   * place, both sides' when it copies.
   */
  static concat(left: CelList, right: CelList, meter: CostMeter): CelList {
    meter.charge(1);
    if (left instanceof AppendList && left.size === left.backing.length) {
      meter.chargeList("list concatenation (+)", right.size);
      for (const value of right) left.backing.push(value);
      return new AppendList(left.backing, left.backing.length, meter) as unknown as CelList;
    }
    meter.chargeList("list concatenation (+)", left.size + right.size);
    const backing: CelValue[] = [];
    for (const value of left) backing.push(value);
    for (const value of right) backing.push(value);
    return new AppendList(backing, backing.length, meter) as unknown as CelList;
  }
}

/** Weight of a function argument for the cost meter: what a call may read of it. */
export function argumentWeight(value: CelValue): number {
  if (typeof value === "string") return Math.floor(value.length / READ_CHARS_PER_UNIT);
  if (value instanceof Uint8Array) return Math.floor(value.length / READ_CHARS_PER_UNIT);
  if (isCelList(value) || isCelMap(value)) return value.size;
  return 0;
}

/** Converts a CEL result into JSON, failing (not truncating) past `maxBytes`. */
export function fromCelValue(value: CelValue, maxBytes: number): JsonValue {
  const budget = { left: maxBytes };
  return convert(value, budget);
}

export class ResultTooLarge extends Error {
  override readonly name = "ResultTooLarge";
}

export class UnsupportedResult extends Error {
  override readonly name = "UnsupportedResult";
}

function spend(budget: { left: number }, bytes: number): void {
  budget.left -= bytes;
  if (budget.left < 0)
    throw new ResultTooLarge("result is larger than the expression result limit");
}

function convert(value: CelValue, budget: { left: number }): JsonValue {
  switch (typeof value) {
    case "string":
      spend(budget, value.length + 2);
      return value;
    case "boolean":
      spend(budget, 5);
      return value;
    case "number":
      if (!Number.isFinite(value))
        throw new UnsupportedResult(`result ${value} is not a JSON number`);
      spend(budget, 8);
      return value;
    case "bigint":
      return bigToNumber(value, budget);
  }
  if (value === null) {
    spend(budget, 4);
    return null;
  }
  if (isCelUint(value)) return bigToNumber(value.value, budget);
  if (isCelList(value)) {
    spend(budget, 2);
    const out: JsonValue[] = [];
    for (const element of value) out.push(convert(element, budget));
    return out;
  }
  if (isCelMap(value)) {
    spend(budget, 2);
    const out: JsonObject = {};
    for (const [key, element] of value.entries()) {
      const name = typeof key === "object" ? String(key.value) : String(key);
      spend(budget, name.length + 3);
      Object.defineProperty(out, name, {
        value: convert(element, budget),
        enumerable: true,
        writable: true,
        configurable: true,
      });
    }
    return out;
  }
  if (value instanceof Uint8Array) {
    throw new UnsupportedResult("bytes are not JSON; convert them with string()");
  }
  const message = (value as { message?: { $typeName?: string; seconds?: bigint; nanos?: number } })
    .message;
  if (message?.$typeName === "google.protobuf.Timestamp") {
    const ms = Number(message.seconds ?? 0n) * 1000 + Math.floor((message.nanos ?? 0) / 1e6);
    return convert(new Date(ms).toISOString(), budget);
  }
  if (message?.$typeName === "google.protobuf.Duration") {
    const seconds = Number(message.seconds ?? 0n) + (message.nanos ?? 0) / 1e9;
    return convert(`${seconds}s`, budget);
  }
  throw new UnsupportedResult("result is a type or message that has no JSON form");
}

function bigToNumber(value: bigint, budget: { left: number }): number {
  const n = Number(value);
  if (!Number.isSafeInteger(n)) {
    throw new UnsupportedResult(`integer ${value} is outside the JSON-safe range`);
  }
  spend(budget, 8);
  return n;
}
