import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { StreamGuard } from "../../../src/application/access/stream-guard.js";
import { DomainError } from "../../../src/domain/errors.js";
import type { Principal } from "../../../src/domain/permissions/principal.js";

const principal: Principal = { userId: "u", roles: [], communityIds: [], admin: false, keyId: "k" };
const revoked = new DomainError("unauthenticated", "UNAUTHORIZED", "invalid or revoked API key");

/** A key that stays valid for `checks` re-checks, then is revoked. */
function keyValidFor(checks: number) {
  let left = checks;
  return {
    calls: 0,
    async recheck() {
      this.calls += 1;
      if (left-- <= 0) throw revoked;
    },
  };
}

/** Yields one item, then waits until aborted; records whether it was stopped. */
function idleSource(state: { stopped: boolean }) {
  return async function* (signal: AbortSignal) {
    yield "snapshot";
    await new Promise<void>((resolve) => signal.addEventListener("abort", () => resolve()));
    state.stopped = true;
  };
}

describe("StreamGuard", () => {
  it("ends an idle stream with the re-check's error and stops its source", async () => {
    const key = keyValidFor(2);
    const state = { stopped: false };
    const items: string[] = [];
    const stream = new StreamGuard(key, 5).guard(
      principal,
      "watch",
      async () => undefined,
      idleSource(state),
      new AbortController().signal,
    );
    await assert.rejects(async () => {
      for await (const item of stream) items.push(item);
    }, revoked);
    assert.deepEqual(items, ["snapshot"]);
    assert.equal(key.calls, 3, "two passing re-checks, then the failing one");
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(state.stopped, true);
  });

  it("a lost access ends it with that check's error; the key is checked first", async () => {
    const key = keyValidFor(100);
    const gone = DomainError.notFound("execution e not found", { execution_id: "e" });
    const state = { stopped: false };
    const stream = new StreamGuard(key, 5).guard(
      principal,
      "watch",
      async () => {
        throw gone;
      },
      idleSource(state),
      new AbortController().signal,
    );
    await assert.rejects(async () => {
      for await (const _item of stream);
    }, gone);
    assert.equal(key.calls, 1);
  });

  it("a source that ends first ends the stream, and no re-check follows", async () => {
    const key = keyValidFor(0);
    const stream = new StreamGuard(key, 60_000).guard(
      principal,
      "watch",
      async () => undefined,
      async function* () {
        yield 1;
        yield 2;
      },
      new AbortController().signal,
    );
    const items: number[] = [];
    for await (const item of stream) items.push(item);
    assert.deepEqual(items, [1, 2]);
    assert.equal(key.calls, 0);
  });
});
