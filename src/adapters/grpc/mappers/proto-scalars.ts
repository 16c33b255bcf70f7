import { fromJson } from "@bufbuild/protobuf";
import { type Timestamp, timestampFromDate, type Value, ValueSchema } from "@bufbuild/protobuf/wkt";
import { DomainError } from "../../../domain/errors.js";
import type { JsonValue } from "../../../domain/json.js";

export function toTimestamp(date: Date | null | undefined): Timestamp | undefined {
  return date ? timestampFromDate(date) : undefined;
}

/** int64 ids arrive as bigint; the service keeps them as safe JS integers. */
export function toSafeNumber(value: bigint, field: string): number {
  if (value > BigInt(Number.MAX_SAFE_INTEGER) || value < BigInt(Number.MIN_SAFE_INTEGER)) {
    throw DomainError.badRequest(`${field} is out of range`, [
      { field, description: `${field} must be a safe integer` },
    ]);
  }
  return Number(value);
}

/** google.protobuf.Value fields are messages in protobuf-es; Struct fields are plain JSON. */
export function toValue(json: JsonValue): Value {
  return fromJson(ValueSchema, json);
}

/**
 * A Value as JSON, kept as sent: NaN and Infinity (which binary protobuf carries) stay numbers,
 * so the use case refuses them as it refuses them from REST; toJson would throw instead.
 * Recursion is bounded by the decoder's recursion limit (100 messages).
 */
export function fromValue(value: Value | undefined): JsonValue {
  if (value === undefined) return null;
  const { kind } = value;
  switch (kind.case) {
    case "structValue":
      return Object.fromEntries(
        Object.entries(kind.value.fields).map(([key, field]) => [key, fromValue(field)]),
      );
    case "listValue":
      return kind.value.values.map(fromValue);
    case "numberValue":
    case "stringValue":
    case "boolValue":
      return kind.value;
    default:
      return null;
  }
}
