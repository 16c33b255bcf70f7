import assert from "node:assert/strict";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import { validateWorkflow } from "../../../../src/domain/workflow/validate-workflow.js";
import {
  compiler,
  definition,
  edge,
  end,
  execute,
  node,
  pass,
  setVar,
  trigger,
} from "../../../support/engine/workflow-builder.js";

/**
 * Defects of the original module (reference section 11) not already pinned by the topic tests:
 * joins (graph-semantics), failure/retry (failure-and-retry), cancellation, loop limits and
 * break (limits, loops), operators (conditions), dry-run (dry-run), trusted context (variables).
 */
function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? sourceFiles(path) : path.endsWith(".ts") ? [path] : [];
  });
}

describe("defects of the original module", () => {
  it("no eval, Function constructor or vm anywhere between a definition and execution", () => {
    const root = new URL("../../../../src/", import.meta.url).pathname;
    const files = [
      ...sourceFiles(join(root, "domain")),
      ...sourceFiles(join(root, "adapters/expressions")),
    ];
    assert.ok(files.length > 20);
    for (const file of files) {
      const text = readFileSync(file, "utf8");
      assert.doesNotMatch(
        text,
        /\beval\s*\(|new Function\s*\(|\bFunction\s*\(|node:vm|from "vm"/,
        file,
      );
    }
  });

  it("flow_end has no successors (the original ran nodes after an end)", () => {
    const report = validateWorkflow(
      definition([trigger(), end("e"), pass("after")], [edge("t", "e"), edge("e", "after", "end")]),
      compiler,
    );
    assert.ok(report.errors.some((e) => e.code === "UNKNOWN_PORT" && e.nodeId === "e"));
  });

  it("data_variable_set outputs the values it wrote, not the raw templates", async () => {
    const { runs } = await execute(
      definition([trigger(), setVar("s", { greeting: "hi {{ trigger.name }}" })], [edge("t", "s")]),
      {
        trigger: { data: { name: "ann" } },
      },
    );
    assert.deepEqual(runs.find((r) => r.nodeId === "s")?.output, { greeting: "hi ann" });
  });

  it("connections only need the catalogue's port names (the original required declaring every port)", () => {
    const report = validateWorkflow(
      definition(
        [trigger(), node("if", "condition_if", { condition: "true" }), pass("a"), end("e")],
        [edge("t", "if"), edge("if", "a", "true"), edge("a", "e")],
      ),
      compiler,
    );
    assert.deepEqual(report.errors, []);
  });
});
