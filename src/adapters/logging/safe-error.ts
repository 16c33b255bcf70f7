/**
 * Errors as log fields, without the values database drivers put in them. PostgreSQL errors
 * carry the refused values in `detail` ("Key (secret_hash)=(…) already exists", "Failing row
 * contains (…)"), `where`, `internalQuery` and in messages (`value "…" is out of range`); ORM
 * errors may start with the statement and its inlined values. Only the fields below are kept.
 */
const keptFields = [
  "code",
  "errno",
  "syscall",
  "kind",
  "reason",
  "metadata",
  "severity",
  "table",
  "column",
  "constraint",
  "routine",
] as const;

const maxCauses = 5;
const maxMessageLength = 1_000;

interface ErrorLike {
  message: string;
  name?: unknown;
  stack?: unknown;
  cause?: unknown;
  errors?: unknown;
  [field: string]: unknown;
}

export function safeError(value: unknown): unknown {
  return isErrorLike(value) ? describe(value, 0) : value;
}

function describe(error: ErrorLike, depth: number): Record<string, unknown> {
  const database = isDatabaseError(error);
  const message = sanitiseMessage(error.message, database);
  const type = typeName(error);
  const fields: Record<string, unknown> = { type, message, stack: stackOf(error, type, message) };
  for (const key of keptFields) {
    if (error[key] !== undefined && typeof error[key] !== "function") fields[key] = error[key];
  }
  if (depth < maxCauses && isErrorLike(error.cause)) {
    fields.cause = describe(error.cause, depth + 1);
  }
  if (depth < maxCauses && Array.isArray(error.errors)) {
    fields.errors = error.errors
      .filter(isErrorLike)
      .slice(0, 10)
      .map((e) => describe(e, depth + 1));
  }
  return fields;
}

function isErrorLike(value: unknown): value is ErrorLike {
  return (
    typeof value === "object" &&
    value !== null &&
    typeof (value as { message?: unknown }).message === "string"
  );
}

/** node-postgres (SQLSTATE and severity), better-sqlite3 (SQLITE_*), and MikroORM's wrappers. */
function isDatabaseError(error: ErrorLike): boolean {
  const code = typeof error.code === "string" ? error.code : "";
  return (
    code.startsWith("SQLITE_") ||
    (/^[0-9A-Z]{5}$/.test(code) && "severity" in error) ||
    "sqlState" in error ||
    "sqlMessage" in error
  );
}

/** `insert into … values (…) - <driver message>`: the part after the statement. */
const leadingStatement =
  /^\s*(?:select|insert|update|delete|with|create|alter|drop|truncate)\b[\s\S]* - ([\s\S]*)$/i;

/** Quoted text, except identifiers: `constraint "x"`, `column "y"`, `type integer`... */
const quotedValue =
  /(?<!\b(?:constraint|relation|column|table|index|type|schema|function|encoding|database|sequence|view|trigger|operator|savepoint)\s)(["'])(?:(?!\1)[^\n])*\1/gi;

function sanitiseMessage(message: string, database: boolean): string {
  let text = message.replace(leadingStatement, "$1");
  if (database) {
    text = text
      .replace(quotedValue, "$1…$1")
      .replace(/\)=\([^\n]*?\)/g, ")=(…)")
      .replace(/(row contains )\([^\n]*\)/gi, "$1(…)");
  }
  return text.length > maxMessageLength ? `${text.slice(0, maxMessageLength)}…` : text;
}

function typeName(error: ErrorLike): string {
  const constructorName = (error as { constructor?: { name?: unknown } }).constructor?.name;
  if (typeof constructorName === "string" && constructorName !== "Object") return constructorName;
  return typeof error.name === "string" ? error.name : "Error";
}

/** The stack's frames under the sanitised message (the first line repeats the raw message). */
function stackOf(error: ErrorLike, type: string, message: string): string {
  const stack = typeof error.stack === "string" ? error.stack : "";
  const frames = stack.split("\n").filter((line) => /^\s+at /.test(line));
  return [`${type}: ${message}`, ...frames].join("\n");
}
