import { type Timestamp, timestampFromDate } from "@bufbuild/protobuf/wkt";
import { DomainError } from "../../../domain/errors.js";

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
