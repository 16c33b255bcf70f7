import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { WorkflowVersions } from "../../../src/application/executions/workflow-versions.js";
import type { WorkflowDefinition } from "../../../src/domain/workflow/workflow-definition.js";

const definition = (name: string): WorkflowDefinition => ({
  globalVariables: { name },
  nodes: [],
  connections: [],
  limits: {},
});

describe("WorkflowVersions (the runner's cache of version definitions)", () => {
  it("answers what was set, by workflow and version", () => {
    const cache = new WorkflowVersions(10);
    const one = definition("one");
    cache.set("wf", 1, one);
    assert.equal(cache.get("wf", 1), one);
    assert.equal(cache.get("wf", 2), undefined);
    assert.equal(cache.get("other", 1), undefined);
  });

  it("drops the least recently used version past its capacity", () => {
    const cache = new WorkflowVersions(2);
    cache.set("wf", 1, definition("1"));
    cache.set("wf", 2, definition("2"));
    assert.ok(cache.get("wf", 1), "version 1 becomes the most recently used");
    cache.set("wf", 3, definition("3"));
    assert.equal(cache.get("wf", 2), undefined);
    assert.ok(cache.get("wf", 1));
    assert.ok(cache.get("wf", 3));
  });

  it("refuses a capacity that is not a positive integer", () => {
    for (const capacity of [0, -1, 1.5, Number.NaN]) {
      assert.throws(() => new WorkflowVersions(capacity), RangeError);
    }
  });
});
