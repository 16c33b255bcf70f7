import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  errorToReply,
  httpStatusOf,
  statusByKind,
} from "../../../../src/adapters/rest/error-mapping.js";
import { DomainError, type DomainErrorKind } from "../../../../src/domain/errors.js";
import type { Logger } from "../../../../src/ports/logger.js";

class RecordingLogger implements Logger {
  readonly lines: { level: string; fields: Record<string, unknown>; message: string }[] = [];
  info(fields: Record<string, unknown>, message: string): void {
    this.lines.push({ level: "info", fields, message });
  }
  warn(fields: Record<string, unknown>, message: string): void {
    this.lines.push({ level: "warn", fields, message });
  }
  error(fields: Record<string, unknown>, message: string): void {
    this.lines.push({ level: "error", fields, message });
  }
}

const context = { method: "GET", path: "/api/v1/x", requestId: "req-1" };

describe("REST error mapping", () => {
  it("maps every kind to the documented status", () => {
    const expected: Record<DomainErrorKind, number> = {
      invalid_argument: 400,
      unauthenticated: 401,
      permission_denied: 403,
      not_found: 404,
      already_exists: 409,
      conflict: 409,
      failed_precondition: 409,
      limit_exceeded: 429,
      deadline_exceeded: 504,
      unavailable: 503,
      internal: 500,
    };
    assert.deepEqual(statusByKind, expected);
  });

  it("lets a few reasons decide over the kind", () => {
    const tooLarge = new DomainError("limit_exceeded", "PAYLOAD_TOO_LARGE", "big");
    assert.equal(httpStatusOf(tooLarge), 413);
    const timeout = new DomainError("failed_precondition", "EXECUTION_TIMEOUT", "slow");
    assert.equal(httpStatusOf(timeout), 504);
    const loop = new DomainError("limit_exceeded", "LOOP_LIMIT_EXCEEDED", "loop");
    assert.equal(httpStatusOf(loop), 400);
  });

  it("builds the quick reference error envelope with violations and metadata", () => {
    const logger = new RecordingLogger();
    const reply = errorToReply(
      DomainError.badRequest("invalid workflow", [
        { field: "nodes[0].node_type", description: "node_type is required", nodeId: "a" },
        { field: "metadata.name", description: "name is required" },
      ]),
      logger,
      context,
    );
    assert.equal(reply.status, 400);
    assert.deepEqual(reply.body, {
      success: false,
      message: "invalid workflow",
      error_code: "BAD_REQUEST",
      details: {
        field_violations: [
          { field: "nodes[0].node_type", description: "node_type is required", node_id: "a" },
          { field: "metadata.name", description: "name is required" },
        ],
      },
    });
    const notFound = errorToReply(DomainError.workflowNotFound("w1"), logger, context);
    assert.equal(notFound.status, 404);
    assert.deepEqual(notFound.body, {
      success: false,
      message: "workflow w1 not found",
      error_code: "WORKFLOW_NOT_FOUND",
      details: { workflow_id: "w1" },
    });
    assert.equal(logger.lines.length, 0);
  });

  it("hides internal errors behind a generic message and logs their cause", () => {
    const logger = new RecordingLogger();
    const cause = new TypeError("secret detail: password=hunter2");
    const reply = errorToReply(cause, logger, context);
    assert.equal(reply.status, 500);
    assert.deepEqual(reply.body, {
      success: false,
      message: "internal server error",
      error_code: "INTERNAL_ERROR",
      details: { request_id: "req-1" },
    });
    assert.equal(logger.lines.length, 1);
    assert.equal(logger.lines[0]?.level, "error");
    assert.equal(logger.lines[0]?.fields.err, cause);
    assert.equal(logger.lines[0]?.fields.request_id, "req-1");

    const internal = errorToReply(
      new DomainError("internal", "INTERNAL_ERROR", "database said no", {
        metadata: { table: "x" },
      }),
      logger,
      context,
    );
    assert.equal(internal.status, 500);
    assert.equal((internal.body as { message: string }).message, "internal server error");
    assert.deepEqual((internal.body as { details: unknown }).details, { request_id: "req-1" });
  });
});
