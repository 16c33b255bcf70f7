import type { CelList } from "@bufbuild/cel";
import { AppendList } from "./cel-json-values.js";
import { BUILT_CHARS_PER_UNIT, type CostMeter } from "./cost-meter.js";

/*
 * The strings-extension functions of @bufbuild/cel 0.6.1 that build strings, rewritten to
 * know their result's size before building it (so the meter can refuse it first) and to
 * build in linear time. Each returns exactly what the library returns, quirks included
 * (a test compares them on generated inputs); only the cost differs. The library's
 * `replace` rebuilds the whole string once per occurrence (quadratic: 2,000 occurrences of
 * a 2,000-character replacement took seconds), and lowerAscii, upperAscii and strings.quote
 * append one character at a time (about 100 ns a character).
 */

/** Parts joined per chunk, so that building never holds millions of tiny pieces at once. */
const CHUNK = 4096;

/** Charges reading `length` characters at the building rate: a scan that produces as much. */
function chargeScan(meter: CostMeter, what: string, length: number): void {
  meter.chargeWork(
    length / BUILT_CHARS_PER_UNIT,
    () => `${what} would scan a string of ${length} characters`,
  );
}

/**
 * `s.replace(sub, repl[, num])`: the first `num` occurrences (by default as many as `s` has
 * characters, as in the library; a negative `num` replaces none). Occurrences are counted
 * first, so the result (length + occurrences × growth) is charged before it is built. With an
 * empty `sub` the library inserts `repl` `num` times at the start.
 */
export function replace(
  s: string,
  sub: string,
  repl: string,
  num: bigint | undefined,
  meter: CostMeter,
): string {
  const limit = num === undefined ? s.length : Number(num);
  chargeScan(meter, "replace", s.length);
  if (limit <= 0) return s;
  if (sub.length === 0) {
    meter.chargeString("replace", s.length + limit * repl.length);
    return repl.length === 0 ? s : repl.repeat(limit) + s;
  }
  let count = 0;
  for (let at = s.indexOf(sub); at !== -1 && count < limit; at = s.indexOf(sub, at + sub.length)) {
    count++;
  }
  meter.chargeString("replace", s.length + count * (repl.length - sub.length));
  if (count === 0) return s;
  const chunks: string[] = [];
  let parts: string[] = [];
  let from = 0;
  for (let i = 0; i < count; i++) {
    const at = s.indexOf(sub, from);
    parts.push(s.slice(from, at), repl);
    from = at + sub.length;
    if (parts.length >= CHUNK) {
      chunks.push(parts.join(""));
      parts = [];
    }
  }
  parts.push(s.slice(from));
  chunks.push(parts.join(""));
  return chunks.length === 1 ? (chunks[0] as string) : chunks.join("");
}

/**
 * `s.split(sep[, num])` as the library does it: JavaScript's split with `num` as its limit
 * (so `num` pieces at most, the rest dropped; negative means all), `num == 1` the whole
 * string. The pieces are counted and charged first; the list is a metered one.
 */
export function split(s: string, sep: string, num: bigint | undefined, meter: CostMeter): CelList {
  const count = num === undefined ? undefined : Number(num);
  chargeScan(meter, "split", s.length);
  if (count === 1) {
    meter.chargeList("split", 1);
    return AppendList.of([s], meter);
  }
  // JavaScript's split takes its limit modulo 2^32 (ToUint32).
  const limit = count === undefined ? 2 ** 32 - 1 : count >>> 0;
  let pieces: number;
  if (sep.length === 0) {
    pieces = Math.min(limit, s.length);
  } else {
    pieces = 1;
    for (
      let at = s.indexOf(sep);
      at !== -1 && pieces < limit;
      at = s.indexOf(sep, at + sep.length)
    ) {
      pieces++;
    }
    pieces = Math.min(limit, pieces);
  }
  meter.chargeList("split", pieces);
  return AppendList.of(s.split(sep, count), meter);
}

/** `list.join([sep])`: every element must be a string; the result is charged first. */
export function join(list: CelList, sep: string, meter: CostMeter): string {
  const items: string[] = [];
  let length = 0;
  for (const item of list) {
    if (typeof item !== "string") {
      throw new Error("invalid argument to function join: list contains non-string value");
    }
    items.push(item);
    length += item.length;
  }
  if (items.length > 1) length += (items.length - 1) * sep.length;
  meter.chargeString("join", length);
  return items.join(sep);
}

/** `lowerAscii` (`upper` false) or `upperAscii`: only A–Z / a–z change; other code units stay. */
export function changeAsciiCase(s: string, upper: boolean, meter: CostMeter): string {
  const what = upper ? "upperAscii" : "lowerAscii";
  meter.chargeString(what, s.length);
  const from = upper ? 97 : 65;
  if (!(upper ? /[a-z]/ : /[A-Z]/).test(s)) return s;
  const chunks: string[] = [];
  const codes = new Uint16Array(Math.min(s.length, CHUNK));
  for (let start = 0; start < s.length; start += CHUNK) {
    const end = Math.min(s.length, start + CHUNK);
    for (let i = start; i < end; i++) {
      const code = s.charCodeAt(i);
      codes[i - start] = code >= from && code < from + 26 ? code ^ 32 : code;
    }
    const filled = end - start === codes.length ? codes : codes.subarray(0, end - start);
    chunks.push(String.fromCharCode(...filled));
  }
  return chunks.join("");
}

/** The escapes of `strings.quote`, by code unit. */
const QUOTE_ESCAPES: ReadonlyMap<number, string> = new Map([
  [0x00, "\\0"],
  [0x07, "\\a"],
  [0x08, "\\b"],
  [0x09, "\\t"],
  [0x0a, "\\n"],
  [0x0b, "\\v"],
  [0x0c, "\\f"],
  [0x0d, "\\r"],
  [0x22, '\\"'],
  [0x5c, "\\\\"],
]);

/** `strings.quote(s)`: in double quotes, ten characters escaped (each escape is two). */
export function quote(s: string, meter: CostMeter): string {
  let escapes = 0;
  for (let i = 0; i < s.length; i++) if (QUOTE_ESCAPES.has(s.charCodeAt(i))) escapes++;
  meter.chargeString("strings.quote", s.length + escapes + 2);
  if (escapes === 0) return `"${s}"`;
  const chunks: string[] = ['"'];
  let parts: string[] = [];
  let from = 0;
  for (let i = 0; i < s.length; i++) {
    const escaped = QUOTE_ESCAPES.get(s.charCodeAt(i));
    if (escaped === undefined) continue;
    parts.push(s.slice(from, i), escaped);
    from = i + 1;
    if (parts.length >= CHUNK) {
      chunks.push(parts.join(""));
      parts = [];
    }
  }
  parts.push(s.slice(from), '"');
  chunks.push(parts.join(""));
  return chunks.join("");
}

/** `size(s)`: code points, a lone surrogate counting as one (the library spreads into an array). */
export function codePointCount(s: string): number {
  let pairs = 0;
  for (let i = 0; i + 1 < s.length; i++) {
    const code = s.charCodeAt(i);
    if (code >= 0xd800 && code <= 0xdbff) {
      const next = s.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        pairs++;
        i++;
      }
    }
  }
  return s.length - pairs;
}

/** Bytes of `s` in UTF-8, a lone surrogate as U+FFFD (three bytes), as TextEncoder does. */
export function utf8Length(s: string): number {
  let bytes = 0;
  for (let i = 0; i < s.length; i++) {
    const code = s.charCodeAt(i);
    if (code < 0x80) bytes += 1;
    else if (code < 0x800) bytes += 2;
    else if (code >= 0xd800 && code <= 0xdbff && i + 1 < s.length) {
      const next = s.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        bytes += 4;
        i++;
      } else bytes += 3;
    } else bytes += 3;
  }
  return bytes;
}
