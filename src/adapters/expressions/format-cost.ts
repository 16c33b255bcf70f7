import {
  type CelList,
  type CelValue,
  isCelList,
  isCelMap,
  isCelType,
  isCelUint,
} from "@bufbuild/cel";
import { type CostMeter, READ_CHARS_PER_UNIT } from "./cost-meter.js";
import { utf8Length } from "./string-functions.js";

/*
 * An upper bound on the length of `fmt.format(args)` (strings extension), read the way the
 * library reads the format string, so the result can be charged before the library builds
 * it. Lists and maps in a `%s` clause are formatted in full, recursively, so the bound walks
 * them (their views charge the elements visited); maps are also sorted by their formatted
 * keys, which is charged here.
 */

/** Longest text of a scalar under `%s`: a double ("-1.7976931348623157e+308"), a timestamp. */
const SCALAR_TEXT = 40;

export interface FormatBound {
  /** At most this many characters. */
  chars: number;
  /** `%f` clauses: each builds an Intl.NumberFormat, tens of microseconds. */
  fixedPointClauses: number;
}

export function formatBound(format: string, args: CelList, meter: CostMeter): FormatBound {
  let chars = 0;
  let fixedPointClauses = 0;
  let next = 0;
  let i = 0;
  while (i < format.length) {
    if (format[i] !== "%") {
      chars++;
      i++;
      continue;
    }
    if (i + 1 >= format.length) break;
    let clause = format[i + 1] as string;
    i += 2;
    if (clause === "%") {
      chars++;
      continue;
    }
    let precision = 6;
    if (clause === ".") {
      precision = 0;
      while (i < format.length && (format[i] as string) >= "0" && (format[i] as string) <= "9") {
        precision = precision * 10 + Number(format[i]);
        i++;
      }
      if (i >= format.length) break;
      clause = format[i] as string;
      i++;
    }
    const value = args.get(next++);
    if (value === undefined) break;
    // Beyond 100 digits Intl.NumberFormat and toExponential throw.
    const digits = Math.min(precision, 100);
    if (clause === "f") fixedPointClauses++;
    chars += clauseBound(clause, value, digits, meter);
  }
  return { chars, fixedPointClauses };
}

function clauseBound(clause: string, value: CelValue, digits: number, meter: CostMeter): number {
  switch (clause) {
    case "e":
      return digits + 10;
    case "f":
      if (typeof value === "number" && Number.isFinite(value)) {
        const integerDigits = Math.abs(value) < 1 ? 1 : Math.floor(Math.log10(Math.abs(value))) + 1;
        return integerDigits + digits + 4;
      }
      return 10;
    case "b":
      return 66;
    case "d":
    case "o":
      return 24;
    case "x":
    case "X":
      if (typeof value === "string") return 2 * utf8Length(value);
      if (value instanceof Uint8Array) return 2 * value.length;
      return 18;
    case "s":
      return textBound(value, meter);
    default:
      return 0;
  }
}

/** Upper bound on the library's `formatString(value)`, the `%s` text. */
function textBound(value: CelValue, meter: CostMeter): number {
  if (typeof value === "string") return value.length;
  if (value instanceof Uint8Array) return value.length;
  if (isCelList(value)) {
    let chars = 2;
    let first = true;
    for (const element of value) {
      chars += textBound(element, meter) + (first ? 0 : 2);
      first = false;
    }
    return chars;
  }
  if (isCelMap(value)) {
    let chars = 2;
    let keyChars = 0;
    for (const [key, element] of value.entries()) {
      const keyLength = textBound(key as CelValue, meter);
      keyChars += keyLength;
      chars += keyLength + 2 + textBound(element, meter) + 2;
    }
    // Sorting n keys: n·log2(n) comparisons, each reading its keys.
    const n = value.size;
    if (n > 1) {
      const rounds = Math.ceil(Math.log2(n));
      meter.chargeWork(
        rounds * (n + keyChars / READ_CHARS_PER_UNIT),
        () => `format would sort a map of ${n} entries`,
      );
    }
    return chars;
  }
  if (isCelType(value)) return value.name.length;
  if (isCelUint(value)) return SCALAR_TEXT;
  return SCALAR_TEXT;
}
