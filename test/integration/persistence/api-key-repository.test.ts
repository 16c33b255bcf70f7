import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { after, before, describe, test } from "node:test";
import { DomainError } from "../../../src/domain/errors.js";
import type { ApiKeyRecord, ApiKeyRepository } from "../../../src/ports/api-key-repository.js";
import { at, openTestPersistence, type TestPersistence, uniqueId } from "./fixtures.js";

const hashOf = (secret: string) => createHash("sha256").update(secret).digest("hex");

describe("ApiKeyRepository", () => {
  let db: TestPersistence;
  let apiKeys: ApiKeyRepository;

  before(async () => {
    db = await openTestPersistence();
    apiKeys = db.persistence.apiKeys;
  });
  after(() => db.close());

  const aKey = (overrides: Partial<ApiKeyRecord> = {}): ApiKeyRecord => ({
    keyId: uniqueId("key"),
    name: "bot key",
    secretHash: hashOf(uniqueId("secret")),
    principal: {
      userId: "user-1",
      roles: ["mods", "viewers"],
      communityIds: [10, 9007199254740991],
      admin: false,
    },
    createdBy: "admin-1",
    createdAt: at(0),
    revokedAt: null,
    ...overrides,
  });

  test("create, get, find by hash; revoked keys are no longer found by hash", async () => {
    const key = aKey();
    const admin = aKey({
      principal: { userId: "root", roles: [], communityIds: [], admin: true },
      createdAt: at(1),
    });
    await apiKeys.create(key);
    await apiKeys.create(admin);

    assert.deepEqual(await apiKeys.get(key.keyId), key);
    assert.deepEqual(await apiKeys.findActiveByHash(key.secretHash), key);
    assert.deepEqual(await apiKeys.findActiveByHash(admin.secretHash), admin);
    assert.equal(await apiKeys.findActiveByHash(hashOf("wrong secret")), null);

    const revoked = await apiKeys.revoke(key.keyId, at(500));
    assert.deepEqual(revoked, { ...key, revokedAt: at(500) });
    assert.equal(await apiKeys.findActiveByHash(key.secretHash), null);
    assert.deepEqual(await apiKeys.get(key.keyId), revoked);

    const again = await apiKeys.revoke(key.keyId, at(900));
    assert.deepEqual(again?.revokedAt, at(500), "the first revocation time is kept");
    assert.equal(await apiKeys.revoke("no-such-key", at(1)), null);

    const active = await apiKeys.list(false);
    assert.ok(active.some((k) => k.keyId === admin.keyId));
    assert.ok(!active.some((k) => k.keyId === key.keyId));
    const all = await apiKeys.list(true);
    assert.ok(all.some((k) => k.keyId === key.keyId) && all.some((k) => k.keyId === admin.keyId));
  });

  test("list is ordered by creation time", async () => {
    const later = aKey({ createdAt: at(20_000) });
    const earlier = aKey({ createdAt: at(10_000) });
    await apiKeys.create(later);
    await apiKeys.create(earlier);
    const ids = (await apiKeys.list(true)).map((k) => k.keyId);
    assert.ok(ids.indexOf(earlier.keyId) < ids.indexOf(later.keyId));
  });

  test("a second key with the same id or the same secret hash is ALREADY_EXISTS", async () => {
    const key = aKey();
    await apiKeys.create(key);
    for (const duplicate of [aKey({ secretHash: key.secretHash }), aKey({ keyId: key.keyId })]) {
      await assert.rejects(apiKeys.create(duplicate), (error) => {
        assert.ok(DomainError.is(error));
        assert.equal(error.reason, "ALREADY_EXISTS");
        return true;
      });
    }
  });
});
