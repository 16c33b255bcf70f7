import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { JsonObject } from "../../../../src/domain/json.js";
import { NODE_CATALOGUE } from "../../../../src/domain/workflow/node-catalogue.js";
import { checkCron } from "../../../../src/domain/workflow/node-types/cron.js";
import { validateWorkflow } from "../../../../src/domain/workflow/validate-workflow.js";
import {
  compiler,
  definition,
  edge,
  end,
  node,
  pass,
  trigger,
} from "../../../support/engine/workflow-builder.js";

function validate(nodes: ReturnType<typeof node>[], edges: ReturnType<typeof edge>[] = []) {
  return validateWorkflow(definition(nodes, edges), compiler);
}

function codes(report: ReturnType<typeof validate>, kind: "errors" | "warnings" = "errors") {
  return report[kind].map((i) => i.code);
}

/** One minimal valid config and one invalid config (with the field it must name) per type. */
const configCases: Record<string, { valid: JsonObject; invalid: JsonObject; field: string }> = {
  trigger_command: {
    valid: { command_pattern: "!hi", platforms: ["twitch"] },
    invalid: { command_pattern: "", platforms: ["twitch"] },
    field: "config.command_pattern",
  },
  trigger_event: {
    valid: { event_type: "follow", platforms: ["twitch"] },
    invalid: { event_type: "follow", platforms: [] },
    field: "config.platforms",
  },
  trigger_webhook: {
    valid: { webhook_path: "/hook", allowed_ips: ["10.0.0.0/8", "::1"] },
    invalid: { webhook_path: "hook" },
    field: "config.webhook_path",
  },
  trigger_schedule: {
    valid: { cron_expression: "0 9 * JAN-MAR MON-FRI" },
    invalid: { cron_expression: "0 9 * * FUNDAY" },
    field: "config.cron_expression",
  },
  condition_if: {
    valid: { condition: { variable: "x", operator: "equals", value: 1 } },
    invalid: { condition: { variable: "x", operator: "like", value: 1 } },
    field: "config.condition",
  },
  condition_switch: {
    valid: { variable: "x", cases: { a: "pa" } },
    invalid: { variable: "x", cases: {} },
    field: "config.cases",
  },
  condition_filter: {
    valid: { input_array: "items", condition: "item.active" },
    invalid: { input_array: "items", condition: "item.active", output_variable: "not valid" },
    field: "config.output_variable",
  },
  action_module: {
    valid: { module_name: "m" },
    invalid: { module_name: "m", timeout_seconds: 0 },
    field: "config.timeout_seconds",
  },
  action_webhook: {
    valid: { url: "https://x.test/{{ vars.id }}" },
    invalid: { url: "ftp://x.test" },
    field: "config.url",
  },
  action_chat_message: {
    valid: { message_template: "hi" },
    invalid: { message_template: "hi", destination: "user_pm" },
    field: "config.user_id",
  },
  action_browser_source: {
    valid: { content_template: "x" },
    invalid: { content_template: "x", source_type: "banner" },
    field: "config.source_type",
  },
  action_delay: {
    valid: { delay_ms: 10 },
    invalid: { delay_ms: 2_592_000_001 },
    field: "config.delay_ms",
  },
  data_transform: {
    valid: { transformations: { y: "vars.x * 2" } },
    invalid: { transformations: { y: "vars.x *" } },
    field: "config.transformations.y",
  },
  data_variable_set: {
    valid: { variables: { a: 1 } },
    invalid: { variables: {} },
    field: "config.variables",
  },
  data_variable_get: {
    valid: { variable_name: "a", output_variable: "b" },
    invalid: { variable_name: "a" },
    field: "config.output_variable",
  },
  loop_foreach: {
    valid: { array_variable: "items" },
    invalid: { array_variable: "items", max_iterations: 10_001 },
    field: "config.max_iterations",
  },
  loop_while: {
    valid: { condition: "vars.n < 3" },
    invalid: { condition: "vars.n < 3", max_iterations: 0 },
    field: "config.max_iterations",
  },
  loop_break: {
    valid: {},
    invalid: { break_condition: "item ==" },
    field: "config.break_condition",
  },
  flow_merge: {
    valid: { input_ports_required: 2 },
    invalid: { input_ports_required: 0 },
    field: "config.input_ports_required",
  },
  flow_parallel: {
    valid: { timeout_seconds: 5 },
    invalid: { execution_type: "any_first" },
    field: "config.execution_type",
  },
  flow_end: {
    valid: { output_expression: "vars" },
    invalid: { output_expression: "vars." },
    field: "config.output_expression",
  },
};

function placed(type: string, config: JsonObject) {
  const t = trigger();
  if (type.startsWith("trigger_")) return { nodes: [node("n", type, config)], edges: [] };
  if (type === "loop_foreach" || type === "loop_while") {
    return {
      nodes: [t, node("n", type, config), pass("b")],
      edges: [edge("t", "n"), edge("n", "b", "loop"), edge("b", "n")],
    };
  }
  if (type === "loop_break") {
    return {
      nodes: [t, node("l", "loop_foreach", { array_variable: "items" }), node("n", type, config)],
      edges: [edge("t", "l"), edge("l", "n", "loop"), edge("n", "l", "continue")],
    };
  }
  return { nodes: [t, node("n", type, config)], edges: [edge("t", "n")] };
}

describe("validateWorkflow", () => {
  it("the catalogue has the 21 node types", () => {
    assert.equal(NODE_CATALOGUE.size, 21);
    assert.deepEqual(Object.keys(configCases).sort(), [...NODE_CATALOGUE.keys()].sort());
  });

  for (const [type, c] of Object.entries(configCases)) {
    it(`${type}: accepts a valid config and reports an invalid one by node and field`, () => {
      const ok = placed(type, c.valid);
      const good = validate(ok.nodes, ok.edges);
      assert.deepEqual(good.errors, [], JSON.stringify(good.errors));
      const bad = placed(type, c.invalid);
      const report = validate(bad.nodes, bad.edges);
      assert.equal(report.isValid, false);
      const hit = report.errors.find((e) => e.nodeId === "n" && e.field === c.field);
      assert.ok(hit, `expected an error on ${c.field}: ${JSON.stringify(report.errors)}`);
    });
  }

  it("returns all errors at once: unknown type, missing node, unknown ports, no trigger", () => {
    const report = validate(
      [node("a", "flow_merge"), node("b", "mystery"), end("e")],
      [
        edge("a", "ghost"),
        edge("a", "e", "nope"),
        edge("e", "a"),
        edge("a", "e", "output", "side"),
      ],
    );
    const found = codes(report);
    for (const code of [
      "UNKNOWN_NODE_TYPE",
      "MISSING_NODE",
      "UNKNOWN_PORT",
      "NO_TRIGGER",
      "ILLEGAL_CYCLE",
    ]) {
      assert.ok(found.includes(code), `${code} in ${found.join(",")}`);
    }
    assert.equal(report.errorCount, report.errors.length);
  });

  it("rejects cycles that are not loop-back edges, accepts loop-back edges", () => {
    const cyclic = validate(
      [trigger(), pass("a"), pass("b")],
      [edge("t", "a"), edge("a", "b"), edge("b", "a")],
    );
    assert.ok(codes(cyclic).includes("ILLEGAL_CYCLE"));
    const loop = validate(
      [trigger(), node("l", "loop_foreach", { array_variable: "x" }), pass("b")],
      [edge("t", "l"), edge("l", "b", "loop"), edge("b", "l")],
    );
    assert.deepEqual(loop.errors, []);
  });

  it("rejects edges into a loop body from outside and loop_break outside a loop", () => {
    const report = validate(
      [
        trigger(),
        node("l", "loop_foreach", { array_variable: "x" }),
        pass("b"),
        pass("outside"),
        node("brk", "loop_break"),
      ],
      [
        edge("t", "l"),
        edge("l", "b", "loop"),
        edge("b", "l"),
        edge("t", "outside"),
        edge("outside", "b"),
        edge("t", "brk"),
      ],
    );
    assert.ok(codes(report).includes("LOOP_BODY_BOUNDARY"));
    assert.ok(codes(report).includes("BREAK_OUTSIDE_LOOP"));
  });

  it("warns about unreachable nodes, a missing end, unknown config fields", () => {
    const report = validate(
      [
        trigger(),
        pass("lonely"),
        node("s", "data_variable_set", { variables: { a: 1 }, command_name: "x" }),
      ],
      [edge("t", "s")],
    );
    assert.deepEqual(report.errors, []);
    const w = codes(report, "warnings");
    assert.ok(w.includes("UNREACHABLE_NODE"));
    assert.ok(w.includes("NO_END_NODE"));
    assert.ok(w.includes("UNKNOWN_CONFIG_FIELD"));
  });

  it("limits the node count and the loop depth", () => {
    const nodes = [trigger(), ...Array.from({ length: 100 }, (_, i) => pass(`p${i}`))];
    const report = validateWorkflow(
      definition(
        nodes,
        nodes.slice(1).map((n) => edge("t", n.nodeId)),
      ),
      compiler,
    );
    assert.ok(codes(report).includes("TOO_MANY_NODES"));
    const nested = validateWorkflow(
      definition(
        [
          trigger(),
          node("o", "loop_foreach", { array_variable: "x" }),
          node("i", "loop_foreach", {
            array_variable: "item",
            item_variable: "y",
            index_variable: "j",
          }),
          pass("b"),
        ],
        [
          edge("t", "o"),
          edge("o", "i", "loop"),
          edge("i", "b", "loop"),
          edge("b", "i"),
          edge("i", "o", "done"),
        ],
      ),
      compiler,
      { maxNodes: 100, maxLoopDepth: 1 },
    );
    assert.ok(codes(nested).includes("LOOP_DEPTH_EXCEEDED"));
  });

  it("reports expressions that use names not in scope (item outside a loop)", () => {
    const report = validate(
      [trigger(), node("x", "data_transform", { transformations: { y: "item.name" } })],
      [edge("t", "x")],
    );
    const error = report.errors.find((e) => e.code === "INVALID_EXPRESSION");
    assert.ok(error);
    assert.equal(error.field, "config.transformations.y");
    assert.match(error.message, /unknown name "item"/);
  });

  it("reports a template with a bad expression on its field", () => {
    const report = validate(
      [trigger(), node("c", "action_chat_message", { message_template: "hi {{ vars. }}" })],
      [edge("t", "c")],
    );
    assert.equal(report.errors[0]?.field, "config.message_template");
  });

  it("cron accepts names, ranges, steps, ? and macros; rejects bad fields", () => {
    for (const ok of [
      "*/5 * * * *",
      "0 0 9 ? * MON-FRI",
      "0 12 1 JAN,JUL *",
      "@daily",
      "0 0 * * 7",
    ]) {
      assert.equal(checkCron(ok), null, ok);
    }
    for (const bad of [
      "* * *",
      "60 * * * *",
      "0 0 * * MOON",
      "0 0 5-1 * *",
      "@sometimes",
      "*/0 * * * *",
    ]) {
      assert.notEqual(checkCron(bad), null, bad);
    }
  });
});
