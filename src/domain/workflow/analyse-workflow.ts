import type { ExpressionCompiler } from "../ports/expression-compiler.js";
import { ConfigReader, type NameScope } from "./config-reader.js";
import { NODE_CATALOGUE } from "./node-catalogue.js";
import type { NodeTypeSpec } from "./node-type-spec.js";
import type { ForeachConfig } from "./node-types/loops.js";
import { LOOP_TYPES } from "./node-types/loops.js";
import { TRIGGER_TYPES } from "./node-types/triggers.js";
import { IssueCollector } from "./validation-report.js";
import type { WorkflowDefinition, WorkflowNode } from "./workflow-definition.js";
import { analyseGraph, type GraphEdge, type WorkflowGraph } from "./workflow-graph.js";

/** Names every expression sees. */
export const BASE_NAMES: readonly string[] = ["vars", "trigger", "nodes", "execution"];

/** A node that passed the basic checks, with its parsed (and compiled) config. */
export interface AnalysedNode {
  index: number;
  node: WorkflowNode;
  spec: NodeTypeSpec | undefined;
  config: unknown;
  /** Loop names bound in this node's body scope, innermost last. */
  scope: NameScope;
}

interface WorkflowAnalysis {
  graph: WorkflowGraph;
  nodes: AnalysedNode[];
  triggers: number[];
  issues: IssueCollector;
}

/**
 * The single pass behind both validateWorkflow (all issues) and compileWorkflow (refuses to
 * run on any error): node basics, graph structure, per-type config, ports, triggers, reach.
 */
export function analyseWorkflow(
  definition: WorkflowDefinition,
  compiler: ExpressionCompiler,
): WorkflowAnalysis {
  const issues = new IssueCollector();
  const { nodes, connections } = definition;
  if (nodes.length === 0) issues.error("EMPTY_WORKFLOW", "the workflow has no nodes");
  const seen = new Set<string>();
  nodes.forEach((node, i) => {
    const at = { nodeId: node.nodeId };
    if (node.nodeId.trim() === "")
      issues.error("INVALID_NODE_ID", `node #${i + 1} has an empty node_id`, at);
    if (seen.has(node.nodeId))
      issues.error("DUPLICATE_NODE_ID", `node_id "${node.nodeId}" is used twice`, at);
    seen.add(node.nodeId);
    if (!NODE_CATALOGUE.has(node.nodeType)) {
      issues.error("UNKNOWN_NODE_TYPE", `unknown node type "${node.nodeType}"`, {
        ...at,
        field: "node_type",
      });
    }
    if (node.label.trim() === "")
      issues.warning("MISSING_LABEL", "the node has no label", { ...at, field: "label" });
  });
  const graph = analyseGraph(nodes, connections, issues);

  // Loop nodes first, outermost first, so that their item/index names are known for bodies.
  const order = nodes.map((_, i) => i);
  const depthOf = (i: number) =>
    LOOP_TYPES.has(nodes[i]?.nodeType ?? "") ? (graph.loops.get(i)?.depth ?? 0) : 99;
  order.sort((a, b) => depthOf(a) - depthOf(b) || a - b);
  const analysed: AnalysedNode[] = new Array(nodes.length);
  const loopNames = new Map<number, string[]>();
  for (const i of order) {
    const node = nodes[i] as WorkflowNode;
    const spec = NODE_CATALOGUE.get(node.nodeType);
    const scope = scopeOf(i, graph, loopNames);
    let config: unknown;
    if (spec !== undefined) {
      const reader = new ConfigReader(node.nodeId, node.config, compiler, scope, issues);
      config = spec.parse(reader);
      reader.finish();
      if (node.nodeType === "loop_foreach") {
        const c = config as ForeachConfig;
        loopNames.set(i, [c.itemName, c.indexName]);
      } else if (node.nodeType === "loop_while") {
        loopNames.set(i, ["index"]);
      }
    }
    analysed[i] = { index: i, node, spec, config, scope };
  }

  checkPorts(graph, analysed, issues);
  const triggers = nodes.flatMap((node, i) => (TRIGGER_TYPES.has(node.nodeType) ? [i] : []));
  checkReach(graph, analysed, triggers, issues);
  nodes.forEach((node, i) => {
    if (node.nodeType === "loop_break" && graph.innermost[i] === -1) {
      issues.error("BREAK_OUTSIDE_LOOP", "loop_break must be inside a loop body", {
        nodeId: node.nodeId,
      });
    }
  });
  return { graph, nodes: analysed, triggers, issues };
}

function scopeOf(
  i: number,
  graph: WorkflowGraph,
  loopNames: ReadonlyMap<number, string[]>,
): NameScope {
  const names = new Set(BASE_NAMES);
  const chain: number[] = [];
  for (let l = graph.innermost[i] ?? -1; l >= 0; l = graph.loops.get(l)?.parent ?? -1)
    chain.unshift(l);
  for (const l of chain) for (const name of loopNames.get(l) ?? []) names.add(name);
  return {
    names,
    describe: () =>
      chain.length === 0
        ? "loop items and indexes exist only inside a loop body"
        : "an inner loop's names shadow an outer loop's",
  };
}

function checkPorts(
  graph: WorkflowGraph,
  nodes: readonly AnalysedNode[],
  issues: IssueCollector,
): void {
  const pairs = new Set<string>();
  for (const edge of graph.edges) {
    const from = nodes[edge.from] as AnalysedNode;
    const to = nodes[edge.to] as AnalysedNode;
    const at = { connectionId: edge.connectionId, nodeId: from.node.nodeId };
    if (from.spec !== undefined) {
      const ports = from.spec.outputPorts(from.config);
      if (!ports.includes(edge.fromPort)) {
        issues.error(
          "UNKNOWN_PORT",
          ports.length === 0
            ? `"${from.node.nodeId}" (${from.node.nodeType}) has no output ports`
            : `"${from.node.nodeId}" (${from.node.nodeType}) has no output port "${edge.fromPort}"; its ports are ${ports.join(", ")}`,
          { ...at, field: "from_port_name" },
        );
      }
    }
    if (to.spec !== undefined && !to.spec.inputPorts.includes(edge.toPort)) {
      issues.error(
        "UNKNOWN_PORT",
        to.spec.inputPorts.length === 0
          ? `"${to.node.nodeId}" (${to.node.nodeType}) is a trigger and takes no inputs`
          : `"${to.node.nodeId}" has no input port "${edge.toPort}"; its ports are ${to.spec.inputPorts.join(", ")}`,
        { connectionId: edge.connectionId, nodeId: to.node.nodeId, field: "to_port_name" },
      );
    }
    const key = `${edge.from}:${edge.fromPort}>${edge.to}:${edge.toPort}`;
    if (pairs.has(key)) {
      issues.warning("DUPLICATE_CONNECTION", "the same ports are already connected", at);
    }
    pairs.add(key);
  }
}

function checkReach(
  graph: WorkflowGraph,
  nodes: readonly AnalysedNode[],
  triggers: readonly number[],
  issues: IssueCollector,
): void {
  if (triggers.length === 0 && nodes.length > 0) {
    issues.error("NO_TRIGGER", "the workflow has no trigger node, so it cannot start");
    return;
  }
  const reached = new Set<number>(triggers);
  const stack = [...triggers];
  while (stack.length > 0) {
    const v = stack.pop() as number;
    for (const e of graph.outgoing[v] ?? []) {
      const to = (graph.edges[e] as GraphEdge).to;
      if (!reached.has(to)) {
        reached.add(to);
        stack.push(to);
      }
    }
  }
  for (const n of nodes) {
    if (!reached.has(n.index)) {
      issues.warning("UNREACHABLE_NODE", `"${n.node.nodeId}" cannot be reached from any trigger`, {
        nodeId: n.node.nodeId,
      });
    }
  }
  if (![...reached].some((i) => nodes[i]?.node.nodeType === "flow_end")) {
    issues.warning("NO_END_NODE", "no flow_end is reachable; the final output will be null");
  }
}
