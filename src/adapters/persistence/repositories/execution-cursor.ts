import { DomainError } from "../../../domain/errors.js";

/** Position after which the next page starts: the last item's (createdAt, executionId). */
interface ExecutionCursor {
  createdAt: Date;
  executionId: string;
}

export function encodeExecutionCursor(cursor: ExecutionCursor): string {
  return Buffer.from(JSON.stringify([cursor.createdAt.getTime(), cursor.executionId])).toString(
    "base64url",
  );
}

/** The largest time a Date can hold; a token beyond it would reach the database as NaN. */
const maxDateMs = 8.64e15;

/** Throws BAD_REQUEST for anything encodeExecutionCursor did not produce. */
export function decodeExecutionCursor(text: string): ExecutionCursor {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(text, "base64url").toString("utf8"));
  } catch {
    throw invalid();
  }
  if (
    !Array.isArray(parsed) ||
    parsed.length !== 2 ||
    !Number.isSafeInteger(parsed[0]) ||
    Math.abs(parsed[0] as number) > maxDateMs ||
    typeof parsed[1] !== "string"
  ) {
    throw invalid();
  }
  return { createdAt: new Date(parsed[0] as number), executionId: parsed[1] };
}

function invalid(): DomainError {
  return DomainError.badRequest("invalid page token", [
    { field: "page_token", description: "not a token from a previous response" },
  ]);
}
