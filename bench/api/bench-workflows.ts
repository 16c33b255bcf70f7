/**
 * The workflows the API benchmark runs; none calls out or waits, except the delay workflow
 * used for cancellation.
 */
import {
  edge,
  type NodeSpec,
  node,
  quickWorkflow,
  type WorkflowSpec,
} from "../../test/support/workflow-fixtures.js";

export const benchCommunityId = 4242;

const trigger = () =>
  node("start", "trigger_command", { command_pattern: "!bench", platforms: ["twitch"] });

/** trigger → data_variable_set → flow_end (the fixtures' quick workflow). */
export function threeNodeWorkflow(name: string): WorkflowSpec {
  return quickWorkflow({ communityId: benchCommunityId, name });
}

/**
 * trigger, 38 middle nodes cycling through flow_merge, data_variable_set (a counter),
 * condition_if (always true) and data_transform, then flow_end: 40 nodes in one chain.
 */
export function fortyNodeWorkflow(name: string): WorkflowSpec {
  const middle: { spec: NodeSpec; port: string }[] = [];
  for (let i = 1; i <= 38; i++) {
    const id = `n${i}`;
    switch (i % 4) {
      case 1:
        middle.push({ spec: node(id, "flow_merge"), port: "output" });
        break;
      case 2:
        middle.push({
          spec: node(id, "data_variable_set", { variables: { step: "{{ vars.step + 1 }}" } }),
          port: "output",
        });
        break;
      case 3:
        middle.push({
          spec: node(id, "condition_if", {
            condition: { variable: "step", operator: "greater_equal", value: 0 },
          }),
          port: "true",
        });
        break;
      default:
        middle.push({
          spec: node(id, "data_transform", { transformations: { doubled: "vars.step * 2" } }),
          port: "output",
        });
    }
  }
  const chain = [{ spec: trigger(), port: "output" }, ...middle];
  const nodes = [
    ...chain.map((c) => c.spec),
    node("end", "flow_end", { output_expression: "vars.step" }),
  ];
  const ids = nodes.map((n) => n.id);
  return {
    name,
    communityId: benchCommunityId,
    globalVariables: { step: 0 },
    nodes,
    edges: chain.map((c, i) => edge(c.spec.id, c.port, ids[i + 1] as string)),
  };
}

/** trigger → action_delay (5 minutes, the maximum) → flow_end: a run that waits to be cancelled. */
export function delayWorkflow(name: string): WorkflowSpec {
  return {
    name,
    communityId: benchCommunityId,
    nodes: [
      trigger(),
      node("wait", "action_delay", { delay_ms: 300_000 }),
      node("end", "flow_end", { output_expression: "'not cancelled'" }),
    ],
    edges: [edge("start", "output", "wait"), edge("wait", "success", "end")],
  };
}
