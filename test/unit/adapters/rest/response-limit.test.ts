import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { ok } from "../../../../src/adapters/rest/envelope.js";
import { limitReply } from "../../../../src/adapters/rest/response-limit.js";

/** A success reply whose JSON is exactly `bytes` long (UTF-8), made of `char`. */
function replyOf(bytes: number, char = "x") {
  const overhead = Buffer.byteLength(JSON.stringify(ok({ s: "" }).body));
  const charBytes = Buffer.byteLength(char);
  assert.equal((bytes - overhead) % charBytes, 0, "size reachable with this character");
  return ok({ s: char.repeat((bytes - overhead) / charBytes) });
}

describe("REST response limit (MAX_RESPONSE_BYTES)", () => {
  it("sends an answer of exactly the limit unchanged", () => {
    const reply = replyOf(1000);
    const limited = limitReply(reply, 1000);
    assert.equal(limited.refusedBytes, undefined);
    assert.equal(limited.reply, reply);
    assert.equal(limited.payload, JSON.stringify(reply.body));
    assert.equal(Buffer.byteLength(limited.payload), 1000);
  });

  it("refuses one byte more with 413 PAYLOAD_TOO_LARGE, the limit and the size, never a cut body", () => {
    const limited = limitReply(replyOf(1001), 1000);
    assert.equal(limited.refusedBytes, 1001);
    assert.equal(limited.reply.status, 413);
    assert.deepEqual(JSON.parse(limited.payload), {
      success: false,
      message:
        "the answer (1001 bytes) is larger than the response limit of 1000 bytes " +
        "(MAX_RESPONSE_BYTES), so it was not sent: ask for less, or raise MAX_RESPONSE_BYTES",
      error_code: "PAYLOAD_TOO_LARGE",
      details: { limit: "1000", response_bytes: "1001" },
    });
  });

  it("counts bytes, not characters", () => {
    const reply = replyOf(1002, "é");
    assert.ok(JSON.stringify(reply.body).length < 1000, "fewer characters than the limit");
    assert.equal(limitReply(reply, 1000).reply.status, 413);
  });

  it("adds the route's hint, and its details with their note when they fit", () => {
    const reply = {
      ...replyOf(5000),
      whenTooLarge: {
        hint: "raise MAX_RESPONSE_BYTES to receive the trace",
        details: { value: { result: { status: "completed" } }, note: "details.result is the gist" },
      },
    };
    const limited = limitReply(reply, 1000);
    const body = JSON.parse(limited.payload);
    assert.equal(limited.reply.status, 413);
    assert.match(
      body.message,
      /not sent: raise MAX_RESPONSE_BYTES to receive the trace\. details\.result is the gist$/,
    );
    assert.deepEqual(body.details, {
      limit: "1000",
      response_bytes: "5000",
      result: { status: "completed" },
    });
  });

  it("leaves the details (and their note) out when even they do not fit", () => {
    const reply = {
      ...replyOf(5000),
      whenTooLarge: {
        hint: "raise MAX_RESPONSE_BYTES to receive the trace",
        details: { value: { result: "y".repeat(2000) }, note: "details.result is the gist" },
      },
    };
    const limited = limitReply(reply, 1000);
    const body = JSON.parse(limited.payload);
    assert.ok(Buffer.byteLength(limited.payload) <= 1000);
    assert.match(body.message, /not sent: raise MAX_RESPONSE_BYTES to receive the trace$/);
    assert.deepEqual(body.details, { limit: "1000", response_bytes: "5000" });
  });

  it("refuses an error answer over the limit the same way (a 504 with a large result)", () => {
    const reply = { ...replyOf(3000), status: 504 };
    const limited = limitReply(reply, 1000);
    assert.equal(limited.reply.status, 413);
    assert.equal(JSON.parse(limited.payload).error_code, "PAYLOAD_TOO_LARGE");
  });
});
