import {
  type CelFunc,
  type CelList,
  CelScalar,
  type CelValue,
  celEnv,
  celFunc,
  celMethod,
  isCelError,
  isCelList,
  isCelMap,
} from "@bufbuild/cel";
import { strings } from "@bufbuild/cel/ext";
import { comprehensionRangeFunction, comprehensionStepFunction } from "./cel-ast.js";
import { AppendList, argumentWeight, isSelfMetered } from "./cel-json-values.js";
import { CostMeter } from "./cost-meter.js";
import { meteredEquals } from "./equality.js";
import { formatBound } from "./format-cost.js";
import { regexCost } from "./regex-cost.js";
import {
  changeAsciiCase,
  codePointCount,
  join,
  quote,
  replace,
  split,
  utf8Length,
} from "./string-functions.js";

/*
 * The function set of every expression: the CEL standard library and the strings extension
 * of @bufbuild/cel 0.6.1, each call charged 1 unit plus the size of its list, map, string and
 * bytes arguments (see argumentWeight), and, for the functions below, the size of the value it
 * builds, charged BEFORE it is built (a value too large for the budget is never allocated),
 * or the work it does beyond its arguments' size. See docs/expressions.md, "Limits".
 */

/** A time-zone name makes the library build an Intl.DateTimeFormat per call (~120 µs). */
const TIME_ZONE_UNITS = 256;
/** `timestamp(string)` parses through protobuf's JSON reader (~10 µs). */
const TIMESTAMP_PARSE_UNITS = 20;
/** Each `%f` clause of `format` builds an Intl.NumberFormat (~35 µs). */
const FIXED_POINT_CLAUSE_UNITS = 64;
/** `format` reads its format string one character at a time (~100 ns each). */
const FORMAT_CHARS_PER_UNIT = 4;
/** `int(string)` and `uint(string)` parse a BigInt: leading zeros make any length valid. */
const NUMBER_PARSE_CHARS_PER_UNIT = 2;

type Target = CelValue | undefined;
type Call = (target: Target, args: CelValue[]) => CelValue;

interface Charging {
  /** The implementation charges the whole call itself, instead of 1 + its arguments' sizes. */
  chargesItself?: true;
  /** Charges before the library's implementation runs. */
  before?: (target: Target, args: CelValue[]) => void;
  /** Replaces the library's implementation (same result, known size, linear time). */
  impl?: Call;
}

const str = (value: CelValue | undefined): string => value as string;
const int = (value: CelValue | undefined): bigint | undefined => value as bigint | undefined;

/** The functions whose cost is more than their arguments' size, by overload id. */
function chargingTable(
  meter: CostMeter,
  library: (id: string) => Call,
  timeZoneGetters: readonly CelFunc[],
): Record<string, Charging> {
  const libraryEquals = library("_==_(dyn,dyn)");
  const { equals, inList } = meteredEquals(
    meter,
    (l, r) => libraryEquals(undefined, [l, r]) === true,
  );
  const size: Charging = { impl: (t, [s]) => BigInt(codePointCount(str(t ?? s))) };
  const table: Record<string, Charging> = {
    "_+_(string,string)": {
      before: (_, [l, r]) =>
        meter.chargeString("string concatenation (+)", str(l).length + str(r).length),
    },
    "_+_(bytes,bytes)": {
      before: (_, [l, r]) =>
        meter.chargeBytes(
          "bytes concatenation (+)",
          (l as Uint8Array).length + (r as Uint8Array).length,
        ),
    },
    // Charged by the elements it copies (appending to the newest list copies only the right
    // side), not by its arguments' sizes: `map` and `filter` append once per element.
    "_+_(list,list)": {
      chargesItself: true,
      impl: (_, [l, r]) => AppendList.concat(l as CelList, r as CelList, meter),
    },
    "_==_(dyn,dyn)": { impl: (_, [l, r]) => equals(l as CelValue, r as CelValue) },
    "_!=_(dyn,dyn)": { impl: (_, [l, r]) => !equals(l as CelValue, r as CelValue) },
    "@in(dyn,list)": { impl: (_, [v, l]) => inList(v as CelValue, l as CelList) },
    "size(string)": size,
    "string.size()": size,
    "string.matches(string)": {
      before: (t, [pattern]) => {
        const text = str(t);
        const cost = regexCost(str(pattern), text.length);
        meter.chargeWork(
          cost.compile,
          () =>
            `matches would compile a pattern of ${str(pattern).length} characters (${cost.instructions} instructions)`,
        );
        meter.chargeWork(
          cost.match,
          () =>
            `matches would run ${cost.instructions} instructions over ${text.length} characters`,
        );
      },
    },
    "int(string)": { before: (_, [s]) => chargeNumberParse(meter, "int", str(s)) },
    "uint(string)": { before: (_, [s]) => chargeNumberParse(meter, "uint", str(s)) },
    "bytes(string)": {
      before: (_, [s]) => meter.chargeBytes("bytes()", utf8Length(str(s))),
    },
    "string(bytes)": {
      before: (_, [b]) => meter.chargeString("string()", (b as Uint8Array).length),
    },
    "timestamp(string)": {
      before: () =>
        meter.chargeWork(TIMESTAMP_PARSE_UNITS, () => "timestamp() would parse a string"),
    },
    "strings.quote(string)": { impl: (_, [s]) => quote(str(s), meter) },
    "string.charAt(int)": { before: () => meter.chargeString("charAt", 1) },
    "string.lowerAscii()": { impl: (t) => changeAsciiCase(str(t), false, meter) },
    "string.upperAscii()": { impl: (t) => changeAsciiCase(str(t), true, meter) },
    "string.replace(string,string)": {
      impl: (t, [a, b]) => replace(str(t), str(a), str(b), undefined, meter),
    },
    "string.replace(string,string,int)": {
      impl: (t, [a, b, n]) => replace(str(t), str(a), str(b), int(n), meter),
    },
    "string.split(string)": { impl: (t, [sep]) => split(str(t), str(sep), undefined, meter) },
    "string.split(string,int)": { impl: (t, [sep, n]) => split(str(t), str(sep), int(n), meter) },
    "string.substring(int)": {
      before: (t, [start]) => meter.chargeString("substring", substringLength(str(t), int(start))),
    },
    "string.substring(int,int)": {
      before: (t, [start, end]) =>
        meter.chargeString("substring", substringLength(str(t), int(start), int(end))),
    },
    // At most the input; charged before trimming.
    "string.trim()": { before: (t) => meter.chargeString("trim", str(t).length) },
    "list.join()": { impl: (t) => join(t as CelList, "", meter) },
    "list.join(string)": { impl: (t, [sep]) => join(t as CelList, str(sep), meter) },
    "string.format(list)": {
      before: (t, [args]) => {
        const format = str(t);
        meter.chargeWork(
          format.length / FORMAT_CHARS_PER_UNIT,
          () => `format would read a format string of ${format.length} characters`,
        );
        const bound = formatBound(format, args as CelList, meter);
        const formatters = bound.fixedPointClauses;
        meter.chargeWork(
          formatters * FIXED_POINT_CLAUSE_UNITS,
          () =>
            `format would build ${formatters === 1 ? "a number formatter" : `${formatters} number formatters`} (%f)`,
        );
        meter.chargeString("format", bound.chars);
      },
    },
  };
  for (const getter of timeZoneGetters) {
    table[getter.id] = {
      before: (_, [zone]) =>
        meter.chargeWork(
          TIME_ZONE_UNITS,
          () => `${getter.name} would convert a timestamp to the time zone ${JSON.stringify(zone)}`,
        ),
    };
  }
  return table;
}

/**
 * Overloads whose string or list result is bounded by a constant or is an argument itself;
 * every other library overload with such a result is in the charging table (a test checks).
 */
export const boundedResultOverloads: readonly string[] = [
  "bytes(bytes)",
  "string(string)",
  "string(bool)",
  "string(int)",
  "string(uint)",
  "string(double)",
  "string(google.protobuf.Timestamp)",
  "string(google.protobuf.Duration)",
  "dyn(dyn)",
];

function chargeNumberParse(meter: CostMeter, what: string, s: string): void {
  meter.chargeWork(
    s.length / NUMBER_PARSE_CHARS_PER_UNIT,
    () => `${what}() would parse a string of ${s.length} characters`,
  );
}

/** Length of `s.substring(start, end)` (the library checks the bounds; 0 when it will fail). */
function substringLength(s: string, start: bigint | undefined, end?: bigint): number {
  const i = Number(start);
  const j = end === undefined ? s.length : Number(end);
  return i >= 0 && j <= s.length && i <= j ? j - i : 0;
}

const { DOUBLE, INT, DYN } = CelScalar;

/** The overload ids of `@bufbuild/cel` 0.6.1 (standard library and strings extension). */
function libraryFunctions(): CelFunc[] {
  return [...celEnv({ funcs: strings }).funcs];
}

/** Ids of the library overloads charged beyond their arguments (for tests and docs). */
export function chargedOverloads(): string[] {
  const library = libraryFunctions();
  const none: Call = () => null;
  return Object.keys(chargingTable(new CostMeter(0), () => none, timeZoneGettersOf(library)));
}

/** `timestamp.getHours('Europe/Paris')` and the other getters taking a time zone. */
function timeZoneGettersOf(library: readonly CelFunc[]): CelFunc[] {
  return library.filter(
    (func) => func.target?.name === "google.protobuf.Timestamp" && func.arguments.length === 1,
  );
}

/**
 * The standard library and strings extension, each function wrapped to charge the meter, plus
 * amortised list append, int/double mixing and the comprehension hooks. Later entries replace
 * earlier ones with the same overload id.
 */
export function meteredFunctions(meter: CostMeter): CelFunc[] {
  const library = libraryFunctions();
  const byId = new Map(library.map((func) => [func.id, func]));
  const callLibrary = (id: string): Call => {
    const func = byId.get(id);
    if (func === undefined) throw new Error(`@bufbuild/cel has no function ${id}`);
    return (target, args) => unwrap(func, func.call(0, target, args));
  };
  const table = chargingTable(meter, callLibrary, timeZoneGettersOf(library));
  for (const id of Object.keys(table)) {
    if (!byId.has(id)) throw new Error(`@bufbuild/cel has no function ${id} to meter`);
  }
  const out: CelFunc[] = [];
  for (const func of library) {
    const charging = table[func.id];
    if (charging !== undefined || isSizeDependent(func)) out.push(metered(func, meter, charging));
  }
  out.push(
    // A comprehension iteration, weighted by its step's size (see meterComprehensionSteps).
    celFunc(comprehensionStepFunction, [DYN, INT], DYN, (condition: CelValue, weight: bigint) => {
      meter.charge(Number(weight));
      return condition;
    }),
    // A comprehension's range, copied by the library before the first iteration: literal
    // lists and maps are charged their size here, the others charge as they are iterated.
    celFunc(comprehensionRangeFunction, [DYN], DYN, (range: CelValue) => {
      if ((isCelList(range) || isCelMap(range)) && !isSelfMetered(range)) meter.charge(range.size);
      return range;
    }),
  );
  const mixed: [string, (a: number, b: number) => number][] = [
    ["_+_", (a, b) => a + b],
    ["_-_", (a, b) => a - b],
    ["_*_", (a, b) => a * b],
    ["_/_", (a, b) => a / b],
  ];
  for (const [name, op] of mixed) {
    out.push(celFunc(name, [DOUBLE, INT], DOUBLE, (a: number, b: bigint) => op(a, Number(b))));
    out.push(celFunc(name, [INT, DOUBLE], DOUBLE, (a: bigint, b: number) => op(Number(a), b)));
  }
  return out;
}

function unwrap(func: CelFunc, result: ReturnType<CelFunc["call"]>): CelValue {
  if (result === undefined) throw new Error(`no matching overload for ${func.name}`);
  if (isCelError(result)) throw result;
  return result;
}

const scalarTypes: ReadonlySet<string> = new Set(["int", "uint", "double", "bool", "null_type"]);

/** Functions over numbers and booleans cost O(1); only the others need metering. */
function isSizeDependent(func: CelFunc): boolean {
  const types = func.target === undefined ? func.arguments : [func.target, ...func.arguments];
  return types.some((type) => !scalarTypes.has(type.name));
}

/** `func` with the same signature, charging its call weight, then `charging`, before it runs. */
function metered(func: CelFunc, meter: CostMeter, charging: Charging | undefined): CelFunc {
  const invoke = (target: Target, args: CelValue[]): CelValue => {
    if (charging?.chargesItself !== true) {
      let weight = 1 + (target === undefined ? 0 : argumentWeight(target));
      for (const arg of args) weight += argumentWeight(arg);
      meter.charge(weight);
    }
    charging?.before?.(target, args);
    if (charging?.impl !== undefined) return charging.impl(target, args);
    return unwrap(func, func.call(0, target, args));
  };
  if (func.target === undefined) {
    return celFunc(func.name, func.arguments, func.result, (...args: CelValue[]) =>
      invoke(undefined, args),
    );
  }
  return celMethod(
    func.name,
    func.target,
    func.arguments,
    func.result,
    function (this: CelValue, ...args: CelValue[]) {
      return invoke(this, args);
    },
  );
}
