import { DomainError, type FieldViolation } from "../../domain/errors.js";
import type { JsonValue } from "../../domain/json.js";
import { inputLimits } from "./input-limits.js";
import { findJsonProblem, formatPath } from "./json-problem.js";

/** The violation for a JSON value nested deeper than the limit (REST's body reader too). */
export function tooDeep(field: string, nodeId?: string): FieldViolation {
  return withNode(
    { field, description: `${field} is nested deeper than ${inputLimits.jsonDepth} levels` },
    nodeId,
  );
}

/**
 * The input limits (input-limits.ts) as checks. Each records a violation instead of throwing,
 * so one BAD_REQUEST lists every bad field; `throwIfAny` raises them together.
 */
export class InputCheck {
  readonly violations: FieldViolation[] = [];

  add(field: string, description: string, nodeId?: string): void {
    this.violations.push(withNode({ field, description }, nodeId));
  }

  /** Free text: at most `max` characters and no NUL (PostgreSQL cannot store one). True if so. */
  text(value: string, field: string, max: number, nodeId?: string): boolean {
    if (value.includes("\0")) this.add(field, `${field} contains a NUL character`, nodeId);
    else if (value.length > max) {
      this.add(field, `${field} is longer than ${max} characters`, nodeId);
    } else return true;
    return false;
  }

  id(value: string, field: string, nodeId?: string): boolean {
    return this.text(value, field, inputLimits.text.id, nodeId);
  }

  /** At most `maxCount` entries, each checked as text of at most `maxLength` (`field[i]`). */
  texts(values: readonly string[], field: string, maxCount: number, maxLength: number): void {
    this.count(values.length, field, maxCount);
    values.forEach((value, i) => {
      this.text(value, `${field}[${i}]`, maxLength);
    });
  }

  count(length: number, field: string, max: number): void {
    if (length > max) this.add(field, `${field} has more than ${max} entries`);
  }

  /**
   * A JSON value as it will be stored and answered: nested at most `jsonDepth` levels, finite
   * numbers only, no NUL in strings or keys. True when it passed (it can then be serialised).
   */
  json(value: JsonValue, field: string, nodeId?: string): boolean {
    const problem = findJsonProblem(value, inputLimits.jsonDepth);
    if (problem === null) return true;
    if (problem.kind === "too_deep") {
      this.violations.push(tooDeep(field, nodeId));
      return false;
    }
    const at = formatPath(field, problem.path);
    this.add(
      at,
      problem.kind === "nul"
        ? `${at} contains a NUL character`
        : `${at} is not a finite number (NaN and Infinity cannot be stored)`,
      nodeId,
    );
    return false;
  }

  finite(value: number, field: string, nodeId?: string): void {
    if (!Number.isFinite(value)) this.add(field, `${field} must be a finite number`, nodeId);
  }

  /** An integer from `min` up to the int32 maximum, or absent. */
  int32(value: number | undefined, field: string, min: number): void {
    if (value === undefined) return;
    if (!Number.isSafeInteger(value) || value < min) {
      this.add(field, `${field} must be an integer of at least ${min}`);
    } else if (value > inputLimits.int32Max) {
      this.add(field, `${field} must be at most ${inputLimits.int32Max}`);
    }
  }

  /** A date that exists (an RPC Timestamp far out of range converts to an invalid Date). */
  instant(value: Date | undefined, field: string): void {
    if (value !== undefined && Number.isNaN(value.getTime())) {
      this.add(field, `${field} is not a valid timestamp`);
    }
  }

  throwIfAny(message: string): void {
    if (this.violations.length > 0) throw DomainError.badRequest(message, this.violations);
  }
}

/** BAD_REQUEST unless every id is one a caller could have been given: bounded, without NUL. */
export function checkIds(ids: Record<string, string>): void {
  const check = new InputCheck();
  for (const [field, value] of Object.entries(ids)) check.id(value, field);
  check.throwIfAny(`invalid ${Object.keys(ids).join(", ")}`);
}

function withNode(violation: FieldViolation, nodeId: string | undefined): FieldViolation {
  return nodeId === undefined ? violation : { ...violation, nodeId };
}
