import { DomainError, type FieldViolation } from "../../domain/errors.js";
import { isJsonObject, type JsonObject, type JsonValue } from "../../domain/json.js";

/**
 * Typed reads of request fields. Each read records a violation instead of throwing, so one
 * 400 answer lists every bad field; `throwIfAny` raises them together.
 */
export class FieldReader {
  readonly violations: FieldViolation[] = [];

  fail(field: string, description: string): void {
    this.violations.push({ field, description });
  }

  string(value: JsonValue | undefined, field: string): string | undefined {
    if (value === undefined || value === null) return undefined;
    if (typeof value === "string") return value;
    this.fail(field, `${field} must be a string`);
    return undefined;
  }

  /** JSON integers and strings of digits; `min` bounds it (1 for ids, 0 for entity_id). */
  integer(value: JsonValue | undefined, field: string, min: number): number | undefined {
    if (value === undefined || value === null) return undefined;
    const n = toInteger(value);
    if (n === null || n < min) {
      this.fail(field, `${field} must be an integer of at least ${min}`);
      return undefined;
    }
    return n;
  }

  boolean(value: JsonValue | undefined, field: string): boolean | undefined {
    if (value === undefined || value === null) return undefined;
    if (typeof value === "boolean") return value;
    this.fail(field, `${field} must be true or false`);
    return undefined;
  }

  number(value: JsonValue | undefined, field: string): number | undefined {
    if (value === undefined || value === null) return undefined;
    if (typeof value === "number" && Number.isFinite(value)) return value;
    this.fail(field, `${field} must be a number`);
    return undefined;
  }

  object(value: JsonValue | undefined, field: string): JsonObject | undefined {
    if (value === undefined || value === null) return undefined;
    if (isJsonObject(value)) return value;
    this.fail(field, `${field} must be a JSON object`);
    return undefined;
  }

  stringList(value: JsonValue | undefined, field: string): string[] | undefined {
    if (value === undefined || value === null) return undefined;
    if (Array.isArray(value) && value.every((item) => typeof item === "string")) {
      return value as string[];
    }
    this.fail(field, `${field} must be a list of strings`);
    return undefined;
  }

  throwIfAny(message: string): void {
    if (this.violations.length > 0) throw DomainError.badRequest(message, this.violations);
  }
}

/** A safe integer from a JSON number or a string of digits (an optional leading minus). */
function toInteger(value: JsonValue): number | null {
  if (typeof value === "number") return Number.isSafeInteger(value) ? value : null;
  if (typeof value === "string" && /^-?\d{1,16}$/.test(value.trim())) {
    const n = Number(value.trim());
    return Number.isSafeInteger(n) ? n : null;
  }
  return null;
}
