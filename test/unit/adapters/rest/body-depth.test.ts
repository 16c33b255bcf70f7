import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { checkBodyDepth } from "../../../../src/adapters/rest/body-depth.js";

function fieldOf(text: string): string | null {
  try {
    checkBodyDepth(text);
    return null;
  } catch (error) {
    return (error as { violations: { field: string }[] }).violations[0]?.field ?? "?";
  }
}

const deep = (depth: number) => `${"[".repeat(depth)}${"]".repeat(depth)}`;

describe("checkBodyDepth", () => {
  it("lets 36 levels through (the use cases name the field) and refuses 37, naming the member", () => {
    assert.equal(fieldOf(`{"variables":${deep(35)}}`), null);
    assert.equal(fieldOf(`{"community_id":1,"variables":${deep(36)}}`), "variables");
    assert.equal(fieldOf(`{"a":1, "nodes" : [${deep(2_000_000)}]}`), "nodes");
    assert.equal(fieldOf(deep(100)), "body");
  });

  it("ignores brackets and quotes inside strings, and nested keys", () => {
    const brackets = JSON.stringify({ text: `"\\${"[{".repeat(100)}`, n: { deep: "x" } });
    assert.equal(fieldOf(brackets), null);
    assert.equal(fieldOf(`{"a\\"b":{"inner":${deep(40)}}}`), 'a"b');
  });
});
