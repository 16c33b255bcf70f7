import { fromJson, toJson } from "@bufbuild/protobuf";
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

export function fromValue(value: Value | undefined): JsonValue {
  return value === undefined ? null : (toJson(ValueSchema, value) as JsonValue);
}
