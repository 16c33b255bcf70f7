/*
 * What a regular expression costs @bufbuild/re2 (the RE2 port behind CEL `matches`), estimated
 * from the pattern's text before it is compiled: the library exposes no parse tree, and
 * compiling is itself the expensive step (a 16,000-character pattern of counted repetitions
 * compiles to two million instructions in seconds; parsing a long literal is quadratic).
 *
 * RE2 matches in time linear in the text, but linear with a factor: its lazy DFA builds a
 * state per new character in the worst case, and its NFA fallback steps every live
 * instruction per character, so one match costs up to text length × program size.
 */

/** A class with a Unicode property (`\pL`, `\p{Greek}`) weighs this many plain instructions. */
const UNICODE_CLASS_WEIGHT = 16;

/** Compiling any pattern, however small (parser, compiler, DFA set-up: about 15 µs). */
const COMPILE_BASE_UNITS = 32;
/**
 * The parser is quadratic in the length of each run of literal characters (8,000 take 70 ms)
 * and in the number of alternatives of each group (16,000 take a second): r² / this for each.
 */
const LITERAL_RUN_DIVISOR = 200;
const ALTERNATIVES_DIVISOR = 64;
/** Each Unicode property in the pattern: its range table (1,292 ranges for `\pL`) is copied. */
const UNICODE_PARSE_UNITS = 128;
/** Each class (`[…]`, `\d`, `\w`, `\s`): its ranges are sorted and merged, folded under `(?i)`. */
const CLASS_PARSE_UNITS = 16;
const CASE_FOLDING_FACTOR = 4;
/** Each group. */
const GROUP_PARSE_UNITS = 16;
/** Per instruction of the compiled program. */
const COMPILE_UNITS_PER_INSTRUCTION = 4;
/**
 * A match costs (text length + 1) × (instructions + MATCH_STATE_OVERHEAD) / MATCH_DIVISOR: in
 * the worst case every character makes a new DFA state, which has a fixed cost besides the
 * instructions it follows (measured: 0.1–0.3 µs a unit, as a comprehension step).
 */
const MATCH_STATE_OVERHEAD = 16;
const MATCH_DIVISOR = 2;

export interface RegexCost {
  /** Instructions of the compiled program (an upper bound). */
  instructions: number;
  /** Units to parse and compile the pattern. */
  compile: number;
  /** Units to run it over a text of the given length. */
  match: number;
}

/** What `text.matches(pattern)` costs, in meter units, for a text of `textLength` characters. */
export function regexCost(pattern: string, textLength: number): RegexCost {
  const size = regexProgramSize(pattern);
  const { instructions, unicodeClasses, literalRunsSquared, alternativesSquared } = size;
  const compile =
    COMPILE_BASE_UNITS +
    size.classes * CLASS_PARSE_UNITS * (size.caseFolding ? CASE_FOLDING_FACTOR : 1) +
    size.groups * GROUP_PARSE_UNITS +
    literalRunsSquared / LITERAL_RUN_DIVISOR +
    alternativesSquared / ALTERNATIVES_DIVISOR +
    unicodeClasses * UNICODE_PARSE_UNITS +
    instructions * COMPILE_UNITS_PER_INSTRUCTION;
  const match = ((textLength + 1) * (instructions + MATCH_STATE_OVERHEAD)) / MATCH_DIVISOR;
  return { instructions, compile: Math.ceil(compile), match: Math.ceil(match) };
}

interface Frame {
  /** Size of the alternatives already closed by `|`, plus one instruction per `|`. */
  done: number;
  /** Size of the concatenation being read. */
  current: number;
  /** Size of the last item of `current`, the one a repetition operator applies to. */
  last: number;
  capturing: boolean;
  /** `|` read in this group. */
  alternatives: number;
}

/**
 * An upper bound, in instructions, on the program RE2 compiles `pattern` to, following the
 * parser's own size rule (`calcSize`): a literal character is one instruction, `x*` two more
 * than x, `x+` and `x?` one more, a capture group two, an alternation one per `|`, and
 * `x{n,m}` m copies of x plus m − n (it is expanded). A Unicode class weighs more (see
 * UNICODE_CLASS_WEIGHT), a class with many items one more per eight. It is an estimate for
 * charging, never a validation: an invalid pattern is reported by RE2 itself.
 */
export function regexProgramSize(pattern: string): {
  instructions: number;
  unicodeClasses: number;
  /** Sum of the squares of the lengths of the runs of literal characters. */
  literalRunsSquared: number;
  /** Sum over groups of the square of their number of alternatives. */
  alternativesSquared: number;
  /** Classes other than Unicode properties: `[…]`, `\d`, `\w`, `\s` and their negations. */
  classes: number;
  groups: number;
  /** Whether a `(?i)` flag appears (classes are then case-folded). */
  caseFolding: boolean;
} {
  const stack: Frame[] = [];
  let unicodeClasses = 0;
  let literalRunsSquared = 0;
  let alternativesSquared = 0;
  let classes = 0;
  let groups = 0;
  let caseFolding = false;
  let run = 0;
  const newFrame = (capturing: boolean): Frame => ({
    done: 0,
    current: 0,
    last: 0,
    capturing,
    alternatives: 0,
  });
  let frame = newFrame(false);
  const endRun = (): void => {
    literalRunsSquared += run * run;
    run = 0;
  };
  const atom = (weight: number, literal = false): void => {
    if (literal) run++;
    else endRun();
    frame.current += weight;
    frame.last = weight;
  };
  const close = (closing: Frame): number => {
    alternativesSquared += (closing.alternatives + 1) ** 2;
    return closeFrame(closing);
  };
  const repeat = (expanded: number): void => {
    frame.current += expanded - frame.last;
    frame.last = expanded;
  };
  let i = 0;
  const n = pattern.length;
  while (i < n) {
    const c = pattern[i] as string;
    switch (c) {
      case "\\": {
        const e = pattern[i + 1] ?? "";
        if (e === "Q") {
          const end = pattern.indexOf("\\E", i + 2);
          const stop = end === -1 ? n : end;
          const length = stop - (i + 2);
          if (length > 0) {
            frame.current += length - 1;
            run += length - 1;
            atom(1, true);
          }
          i = end === -1 ? n : end + 2;
          continue;
        }
        i = skipEscape(pattern, i);
        const unicode = e === "p" || e === "P";
        if (unicode) unicodeClasses++;
        if (/[dDwWsS]/.test(e)) classes++;
        atom(unicode ? UNICODE_CLASS_WEIGHT : 1, !/[pPdDwWsSbBAzC]/.test(e));
        continue;
      }
      case "[": {
        const { end, items, unicode } = readClass(pattern, i);
        i = end;
        unicodeClasses += unicode;
        classes++;
        atom(1 + Math.floor(items / 8) + unicode * UNICODE_CLASS_WEIGHT);
        continue;
      }
      case "(": {
        let capturing = true;
        let j = i + 1;
        if (pattern[j] === "?") {
          j++;
          if (pattern[j] === "P" || (pattern[j] === "<" && pattern[j + 1] !== "=")) {
            // (?P<name>re) or (?<name>re): a named capture.
            const close = pattern.indexOf(">", j);
            j = close === -1 ? n : close + 1;
          } else {
            capturing = false;
            const flags = j;
            while (j < n && /[a-zA-Z-]/.test(pattern[j] as string)) j++;
            if (/^[a-zA-Z]*i/.test(pattern.slice(flags, j))) caseFolding = true;
            if (pattern[j] === ")") {
              // (?i): flags only, no group.
              i = j + 1;
              continue;
            }
            if (pattern[j] === ":") j++;
          }
        }
        endRun();
        groups++;
        stack.push(frame);
        frame = newFrame(capturing);
        i = j;
        continue;
      }
      case ")": {
        endRun();
        const size = close(frame);
        frame = stack.pop() ?? newFrame(false);
        atom(size);
        i++;
        continue;
      }
      case "|":
        endRun();
        frame.alternatives++;
        frame.done += frame.current + 1;
        frame.current = 0;
        frame.last = 0;
        i++;
        continue;
      case "*":
        endRun();
        repeat(frame.last + 2);
        i = skipLazy(pattern, i + 1);
        continue;
      case "+":
      case "?":
        endRun();
        repeat(frame.last + 1);
        i = skipLazy(pattern, i + 1);
        continue;
      case "{": {
        const counted = readCount(pattern, i);
        if (counted === undefined) {
          atom(1, true);
          i++;
          continue;
        }
        endRun();
        const { min, max, end } = counted;
        const sub = Math.max(1, frame.last);
        if (max === -1) repeat(min === 0 ? 2 + sub : 1 + min * sub);
        else repeat(Math.max(1, max * sub + (max - min)));
        i = skipLazy(pattern, end);
        continue;
      }
      default: {
        // A surrogate pair is one character.
        const code = pattern.charCodeAt(i);
        i += code >= 0xd800 && code <= 0xdbff && i + 1 < n ? 2 : 1;
        atom(1, c !== "." && c !== "^" && c !== "$");
      }
    }
  }
  endRun();
  let size = close({ ...frame, capturing: false });
  while (stack.length > 0) {
    const outer = stack.pop() as Frame;
    outer.current += size;
    size = close({ ...outer, capturing: false });
  }
  // The program's own start, capture of the whole match and match instructions.
  return {
    instructions: size + 4,
    unicodeClasses,
    literalRunsSquared,
    alternativesSquared,
    classes,
    groups,
    caseFolding,
  };
}

function closeFrame(frame: Frame): number {
  const body = Math.max(1, frame.done + frame.current);
  return frame.capturing ? body + 2 : body;
}

function skipLazy(pattern: string, i: number): number {
  return pattern[i] === "?" ? i + 1 : i;
}

/** Index after the escape sequence starting at `i` (a backslash). */
function skipEscape(pattern: string, i: number): number {
  const e = pattern[i + 1];
  if (e === undefined) return i + 1;
  if ((e === "p" || e === "P" || e === "x") && pattern[i + 2] === "{") {
    const close = pattern.indexOf("}", i + 3);
    return close === -1 ? pattern.length : close + 1;
  }
  if (e === "p" || e === "P") return Math.min(pattern.length, i + 3);
  if (e === "x") return Math.min(pattern.length, i + 4);
  if (e >= "0" && e <= "7") {
    let j = i + 2;
    while (j < i + 4 && (pattern[j] ?? "") >= "0" && (pattern[j] ?? "") <= "7") j++;
    return j;
  }
  return i + 2;
}

/** The end of the class starting at `i` (`[`), its item count and Unicode properties. */
function readClass(pattern: string, i: number): { end: number; items: number; unicode: number } {
  let j = i + 1;
  if (pattern[j] === "^") j++;
  let items = 0;
  let unicode = 0;
  // A `]` right after `[` or `[^` is a literal.
  if (pattern[j] === "]") {
    items++;
    j++;
  }
  while (j < pattern.length && pattern[j] !== "]") {
    if (pattern[j] === "[" && pattern[j + 1] === ":") {
      const close = pattern.indexOf(":]", j + 2);
      j = close === -1 ? pattern.length : close + 2;
      items++;
      continue;
    }
    if (pattern[j] === "\\") {
      const e = pattern[j + 1];
      if (e === "p" || e === "P") unicode++;
      j = skipEscape(pattern, j);
      items++;
      continue;
    }
    j++;
    items++;
  }
  const end = Math.min(pattern.length, j + 1);
  return { end, items, unicode };
}

/** A counted repetition `{n}`, `{n,}` or `{n,m}` at `i`, or undefined when `{` is a literal. */
function readCount(
  pattern: string,
  i: number,
): { min: number; max: number; end: number } | undefined {
  const match = /^\{(\d+)(,(\d*))?\}/.exec(pattern.slice(i, i + 24));
  if (match === null) return undefined;
  const min = Math.min(Number(match[1]), 1001);
  const max =
    match[2] === undefined ? min : match[3] === "" ? -1 : Math.min(Number(match[3]), 1001);
  return { min, max, end: i + match[0].length };
}
