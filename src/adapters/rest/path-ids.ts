import { DomainError } from "../../domain/errors.js";

/**
 * Workflow and execution ids are UUIDs; any other printable token up to 128 characters is
 * looked up (and not found), anything else is a malformed request before it reaches storage.
 */
const idPattern = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/;

export function pathId(value: string | undefined, field: string): string {
  if (value === undefined || !idPattern.test(value)) {
    throw DomainError.badRequest(`${field} is malformed`, [
      { field, description: `${field} must be an id such as a UUID` },
    ]);
  }
  return value;
}
