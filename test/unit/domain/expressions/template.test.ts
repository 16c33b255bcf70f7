import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { ExpressionError } from "../../../../src/domain/expressions/expression-error.js";
import { compileTemplate } from "../../../../src/domain/expressions/template.js";
import { parseValuePath, resolveValuePath } from "../../../../src/domain/expressions/value-path.js";
import { compiler } from "../../../support/engine/workflow-builder.js";

describe("templates and paths", () => {
  const bindings = {
    vars: { n: 3, user: { name: "ann" }, list: [{ id: 9 }] },
    trigger: { t: null },
  };

  it("renders text with embedded expressions; null renders empty, objects as JSON", () => {
    assert.equal(
      compileTemplate("Hi {{ vars.user.name }} x{{vars.n}}", compiler).render(bindings),
      "Hi ann x3",
    );
    assert.equal(compileTemplate("[{{ trigger.t }}]", compiler).render(bindings), "[]");
    assert.equal(compileTemplate("{{ vars.user }}", compiler).render(bindings), '{"name":"ann"}');
  });

  it("a lone {{ expr }} keeps its type in value()", () => {
    assert.deepEqual(compileTemplate("{{ vars.user }}", compiler).value(bindings), { name: "ann" });
    assert.equal(compileTemplate("static", compiler).isStatic, true);
  });

  it("rejects unclosed and empty placeholders and bad expressions", () => {
    assert.throws(() => compileTemplate("x {{ vars.n", compiler), ExpressionError.is);
    assert.throws(() => compileTemplate("x {{ }}", compiler), /empty/);
    assert.throws(
      () => compileTemplate("{{ 1 + }}", compiler),
      (e) => ExpressionError.is(e) && e.kind === "syntax",
    );
  });

  it("paths: dotted, indexed, bare names are variables, unknown steps are undefined", () => {
    const roots = new Set(["vars", "trigger"]);
    const at = (p: string) => {
      const path = parseValuePath(p);
      assert.notEqual(typeof path, "string");
      return resolveValuePath(path as Exclude<typeof path, string>, bindings, roots);
    };
    assert.equal(at("vars.user.name"), "ann");
    assert.equal(at("user.name"), "ann");
    assert.equal(at("list[0].id"), 9);
    assert.equal(at("user.constructor"), undefined);
    assert.equal(at("list[3]"), undefined);
    assert.equal(typeof parseValuePath("a..b"), "string");
  });
});
