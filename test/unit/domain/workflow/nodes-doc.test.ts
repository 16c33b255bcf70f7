import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, it } from "node:test";
import { NODE_CATALOGUE } from "../../../../src/domain/workflow/node-catalogue.js";
import { renderNodeDocs } from "../../../support/engine/render-node-docs.js";

describe("docs/nodes.md", () => {
  it("matches the node catalogue (regenerate with test/support/engine/write-nodes-doc.ts)", () => {
    const doc = readFileSync(new URL("../../../../docs/nodes.md", import.meta.url), "utf8");
    assert.ok(doc.endsWith(renderNodeDocs()), "docs/nodes.md is out of date");
    for (const type of NODE_CATALOGUE.keys()) assert.ok(doc.includes(`### \`${type}\``), type);
  });
});
