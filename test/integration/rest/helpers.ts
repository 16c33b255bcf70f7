import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import type { Reply, RestClient } from "./rest-client.js";

const run = promisify(execFile);

/** Asserts the quick reference's success envelope and returns its data. */
// biome-ignore lint/suspicious/noExplicitAny: the data is checked field by field by the caller
export function expectSuccess(reply: Reply, status: number): any {
  assert.equal(reply.status, status, `expected ${status}, got ${reply.status}: ${reply.text}`);
  assert.equal(reply.body?.success, true, reply.text);
  assert.ok("data" in reply.body, "envelope without data");
  assert.match(String(reply.headers["content-type"]), /^application\/json/);
  return reply.body.data;
}

/** Asserts the quick reference's error envelope: exactly success, message, error_code, details. */
export function expectError(
  reply: Reply,
  status: number,
  errorCode: string,
): Record<string, unknown> {
  assert.equal(reply.status, status, `expected ${status}, got ${reply.status}: ${reply.text}`);
  assert.deepEqual(Object.keys(reply.body ?? {}).sort(), [
    "details",
    "error_code",
    "message",
    "success",
  ]);
  assert.equal(reply.body.success, false);
  assert.equal(reply.body.error_code, errorCode, reply.text);
  assert.equal(typeof reply.body.message, "string");
  assert.ok(reply.body.message.length > 0);
  return reply.body.details;
}

export function violationFields(details: Record<string, unknown>): string[] {
  const violations = details.field_violations as { field: string }[] | undefined;
  return (violations ?? []).map((v) => v.field);
}

const terminal = new Set(["completed", "failed", "cancelled"]);

/**
 * Polls GET /workflows/executions/:id until the execution is terminal (or `until` holds).
 * Bounded so a stuck runner fails the test instead of hanging it.
 */
export async function waitForExecution(
  client: RestClient,
  executionId: string,
  until: (data: { status: string }) => boolean = (data) => terminal.has(data.status),
  // biome-ignore lint/suspicious/noExplicitAny: execution JSON
): Promise<any> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const reply = await client.get(
      `/api/v1/workflows/executions/${executionId}?include_node_runs=false`,
    );
    const data = expectSuccess(reply, 200);
    if (until(data)) return data;
    if (Date.now() > deadline) assert.fail(`execution ${executionId} stayed ${data.status}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

export const isoPattern = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

/** Runs curl with the given arguments; the answer as a Reply (status from `-w`). */
export async function curl(args: string[]): Promise<Reply> {
  const { stdout } = await run("curl", ["-sS", "-i", ...args]);
  const split = stdout.indexOf("\r\n\r\n");
  const head = stdout.slice(0, split).split("\r\n");
  const text = stdout.slice(split + 4);
  const status = Number(head[0]?.split(" ")[1]);
  const headers: Reply["headers"] = {};
  for (const line of head.slice(1)) {
    const colon = line.indexOf(":");
    headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  return { status, headers, text, body: JSON.parse(text) };
}
