import assert from "node:assert/strict";
import { DomainError } from "../../../src/domain/errors.js";

/** For assert.rejects: the error is a DomainError with this kind and reason (and message). */
export function domainError(
  kind: DomainError["kind"],
  reason: DomainError["reason"],
  message?: RegExp,
): (error: unknown) => true {
  return (error) => {
    assert.ok(DomainError.is(error), `expected a DomainError, got ${String(error)}`);
    assert.equal(error.kind, kind, error.message);
    assert.equal(error.reason, reason, error.message);
    if (message) assert.match(error.message, message);
    return true;
  };
}
