/**
 * Chat command text: a prefix (the leading punctuation, e.g. `!`), a command word, then
 * arguments separated by white space, where "double quoted" text is one argument.
 */
export interface CommandText {
  prefix: string;
  /** The command word as typed. */
  word: string;
  /** Everything after the command word, trimmed. */
  rest: string;
}

const prefixPattern = /^[^\p{L}\p{N}\s]*/u;

/** Splits a message into prefix, command word and the rest; null when there is no word. */
export function parseCommandText(text: string): CommandText | null {
  const trimmed = text.trimStart();
  const prefix = prefixPattern.exec(trimmed)?.[0] ?? "";
  const afterPrefix = trimmed.slice(prefix.length);
  const match = /^(\S+)\s*([\s\S]*)$/u.exec(afterPrefix);
  if (match === null) return null;
  return { prefix, word: match[1] as string, rest: (match[2] as string).trim() };
}

/**
 * The index keyword of a message or pattern: the command word, lower-cased. The same function
 * serves publishing (patterns and aliases) and dispatch (messages), so they always agree.
 */
export function commandKeyword(text: string): string | null {
  const parsed = parseCommandText(text);
  return parsed === null ? null : parsed.word.toLowerCase();
}

/** Splits argument text at white space; "double quoted" parts (with \" inside) stay together. */
export function splitArguments(rest: string): string[] {
  const args: string[] = [];
  let current = "";
  let quoted = false;
  let started = false;
  for (let i = 0; i < rest.length; i++) {
    const ch = rest[i] as string;
    if (quoted) {
      if (ch === "\\" && rest[i + 1] === '"') {
        current += '"';
        i++;
      } else if (ch === '"') {
        quoted = false;
      } else {
        current += ch;
      }
    } else if (ch === '"') {
      quoted = true;
      started = true;
    } else if (/\s/u.test(ch)) {
      if (started) args.push(current);
      current = "";
      started = false;
    } else {
      current += ch;
      started = true;
    }
  }
  if (started) args.push(current);
  return args;
}
