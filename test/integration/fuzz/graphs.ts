/**
 * Pathological workflow graphs, as the fixtures' WorkflowSpec: huge fan-out, cycles, thousands
 * of nodes, loops nested past the limit, a long chain, dangling and self edges.
 */
import fc from "fast-check";
import {
  type EdgeSpec,
  edge,
  type NodeSpec,
  node,
  type WorkflowSpec,
} from "../../support/workflow-fixtures.js";

const trigger = () =>
  node("t", "trigger_command", { command_pattern: "!go", platforms: ["twitch"] });
const setVar = (id: string) => node(id, "data_variable_set", { variables: { x: "{{ 1 + 1 }}" } });

function spec(name: string, nodes: NodeSpec[], edges: EdgeSpec[]): WorkflowSpec {
  return { name, communityId: 1, nodes, edges };
}

function fanOut(width: number): WorkflowSpec {
  const leaves = Array.from({ length: width }, (_, i) => setVar(`n${i}`));
  return spec(
    `fan-out ${width}`,
    [trigger(), ...leaves],
    leaves.map((l) => edge("t", "output", l.id)),
  );
}

function chain(length: number): WorkflowSpec {
  const nodes = Array.from({ length }, (_, i) => setVar(`n${i}`));
  const edges = nodes.map((n, i) => edge(i === 0 ? "t" : `n${i - 1}`, "output", n.id));
  return spec(`chain ${length}`, [trigger(), ...nodes, node("end", "flow_end")], edges);
}

function cycle(length: number): WorkflowSpec {
  const nodes = Array.from({ length }, (_, i) => setVar(`n${i}`));
  const edges = nodes.map((n, i) => edge(n.id, "output", `n${(i + 1) % length}`));
  return spec(`cycle ${length}`, [trigger(), ...nodes], [edge("t", "output", "n0"), ...edges]);
}

/** Loops nested `depth` deep, each body closed by an edge back to its loop. */
function nestedLoops(depth: number): WorkflowSpec {
  const nodes: NodeSpec[] = [trigger()];
  const edges: EdgeSpec[] = [];
  let parent = "t";
  let port = "output";
  for (let i = 0; i < depth; i++) {
    const id = `loop${i}`;
    nodes.push(node(id, "loop_foreach", { array_variable: "trigger.items", max_iterations: 3 }));
    edges.push(edge(parent, port, id));
    parent = id;
    port = "loop";
  }
  nodes.push(setVar("body"));
  edges.push(edge(parent, port, "body"));
  // Each level's body ends back at its loop: the innermost body, then every loop at its parent.
  edges.push(edge("body", "output", parent));
  for (let i = depth - 1; i > 0; i--) edges.push(edge(`loop${i}`, "done", `loop${i - 1}`));
  return spec(`nested loops ${depth}`, nodes, edges);
}

function tangled(count: number): WorkflowSpec {
  const nodes = Array.from({ length: count }, (_, i) => setVar(`n${i}`));
  const edges: EdgeSpec[] = [edge("t", "output", "n0")];
  for (let i = 0; i < count; i++) {
    edges.push(edge(`n${i}`, "output", `n${i}`));
    edges.push(edge(`n${i}`, "output", `n${(i * 7 + 3) % count}`));
    edges.push(edge(`n${i}`, "nowhere", "missing"));
  }
  return spec(`tangled ${count}`, [trigger(), ...nodes], edges);
}

export const graphSpec: fc.Arbitrary<WorkflowSpec> = fc.oneof(
  fc.constantFrom(10, 499, 501, 3_000).map(fanOut),
  fc.constantFrom(2, 200, 2_500).map(chain),
  fc.constantFrom(2, 50, 400).map(cycle),
  fc.constantFrom(3, 10, 11, 40).map(nestedLoops),
  fc.constantFrom(5, 300).map(tangled),
);

/** Valid graphs worth storing once, so runs and dry-runs of them get fuzzed too. */
export const storedGraphs: WorkflowSpec[] = [fanOut(400), chain(200), nestedLoops(3)];
