import { DEFAULT_INPUT_PORT } from "./node-type-spec.js";
import { LOOP_TYPES } from "./node-types/loops.js";
import type { IssueCollector } from "./validation-report.js";
import type { WorkflowConnection, WorkflowNode } from "./workflow-definition.js";

export interface GraphEdge {
  index: number;
  connectionId: string;
  from: number;
  fromPort: string;
  to: number;
  toPort: string;
}

interface LoopInfo {
  node: number;
  /** Node indexes of the body, ascending. */
  body: number[];
  bodySet: ReadonlySet<number>;
  /** 1 for a top-level loop. */
  depth: number;
  /** Enclosing loop node, or -1. */
  parent: number;
}

/** Structure of the graph: edges, loops and their bodies, cycles and a deterministic order. */
export interface WorkflowGraph {
  nodeIndex: ReadonlyMap<string, number>;
  edges: GraphEdge[];
  outgoing: number[][];
  incoming: number[][];
  loopBackEdges: ReadonlySet<number>;
  loops: ReadonlyMap<number, LoopInfo>;
  /** Innermost enclosing loop node per node, or -1. */
  innermost: number[];
  maxLoopDepth: number;
  acyclic: boolean;
  /**
   * Topological rank (ties by definition order) of the graph without loop-back edges, where
   * a loop's body comes before what follows its other ports. Total and deterministic.
   */
  rank: number[];
}

export function analyseGraph(
  nodes: readonly WorkflowNode[],
  connections: readonly WorkflowConnection[],
  issues: IssueCollector,
): WorkflowGraph {
  const nodeIndex = new Map<string, number>();
  nodes.forEach((node, i) => {
    if (!nodeIndex.has(node.nodeId)) nodeIndex.set(node.nodeId, i);
  });
  const n = nodes.length;
  const edges: GraphEdge[] = [];
  const outgoing: number[][] = nodes.map(() => []);
  const incoming: number[][] = nodes.map(() => []);
  for (const connection of connections) {
    if (!connection.enabled) continue;
    const from = nodeIndex.get(connection.fromNodeId);
    const to = nodeIndex.get(connection.toNodeId);
    const at = { connectionId: connection.connectionId };
    if (from === undefined) {
      issues.error(
        "MISSING_NODE",
        `connection starts at unknown node "${connection.fromNodeId}"`,
        at,
      );
    }
    if (to === undefined) {
      issues.error("MISSING_NODE", `connection ends at unknown node "${connection.toNodeId}"`, at);
    }
    if (from === undefined || to === undefined) continue;
    const edge: GraphEdge = {
      index: edges.length,
      connectionId: connection.connectionId,
      from,
      fromPort: connection.fromPortName,
      to,
      toPort: connection.toPortName === "" ? DEFAULT_INPUT_PORT : connection.toPortName,
    };
    edges.push(edge);
    outgoing[from]?.push(edge.index);
    incoming[to]?.push(edge.index);
  }

  // Loop bodies: everything reachable from the `loop` port without passing the loop node.
  const bodies = new Map<number, Set<number>>();
  nodes.forEach((node, l) => {
    if (!LOOP_TYPES.has(node.nodeType)) return;
    const body = new Set<number>();
    const stack: number[] = [];
    for (const e of outgoing[l] ?? []) {
      const edge = edges[e] as GraphEdge;
      if (edge.fromPort === "loop" && edge.to !== l) stack.push(edge.to);
    }
    while (stack.length > 0) {
      const v = stack.pop() as number;
      if (body.has(v)) continue;
      body.add(v);
      for (const e of outgoing[v] ?? []) {
        const to = (edges[e] as GraphEdge).to;
        if (to !== l && !body.has(to)) stack.push(to);
      }
    }
    bodies.set(l, body);
  });

  const innermost = new Array<number>(n).fill(-1);
  for (let v = 0; v < n; v++) {
    let best = -1;
    let bestSize = Number.POSITIVE_INFINITY;
    for (const [l, body] of bodies) {
      if (body.has(v) && body.size < bestSize) {
        best = l;
        bestSize = body.size;
      }
    }
    innermost[v] = best;
    const chain = [...bodies]
      .filter(([, body]) => body.has(v))
      .sort((a, b) => b[1].size - a[1].size);
    for (let i = 1; i < chain.length; i++) {
      const outer = chain[i - 1] as [number, Set<number>];
      const inner = chain[i] as [number, Set<number>];
      if (!outer[1].has(inner[0])) {
        issues.error(
          "LOOP_NESTING",
          `node "${nodes[v]?.nodeId}" is in the bodies of loops "${nodes[outer[0]]?.nodeId}" and "${nodes[inner[0]]?.nodeId}", which are not nested`,
          { nodeId: nodes[v]?.nodeId },
        );
        break;
      }
    }
  }

  const loopBackEdges = new Set<number>();
  for (const edge of edges) {
    const fromNode = nodes[edge.from] as WorkflowNode;
    const body = bodies.get(edge.to);
    if (body?.has(edge.from)) {
      loopBackEdges.add(edge.index);
      if (innermost[edge.from] !== edge.to) {
        issues.error(
          "LOOP_BACK_FROM_NESTED_BODY",
          `connection goes back to loop "${nodes[edge.to]?.nodeId}" from inside a nested loop; close the inner loop first`,
          { connectionId: edge.connectionId, nodeId: fromNode.nodeId },
        );
      }
      continue;
    }
    const entering = edge.fromPort === "loop" && bodies.has(edge.from);
    const expected = entering ? edge.from : innermost[edge.from];
    if (innermost[edge.to] !== expected && !(entering && edge.to === edge.from)) {
      issues.error(
        "LOOP_BODY_BOUNDARY",
        `connection from "${fromNode.nodeId}" to "${nodes[edge.to]?.nodeId}" crosses a loop body boundary; a body is entered only through its loop node's \`loop\` port and left only through its \`done\` port`,
        { connectionId: edge.connectionId, nodeId: fromNode.nodeId },
      );
    }
  }

  const loops = new Map<number, LoopInfo>();
  let maxLoopDepth = 0;
  for (const [l, body] of bodies) {
    let depth = 1;
    for (const [, other] of bodies) if (other.has(l)) depth++;
    maxLoopDepth = Math.max(maxLoopDepth, depth);
    loops.set(l, {
      node: l,
      body: [...body].sort((a, b) => a - b),
      bodySet: body,
      depth,
      parent: innermost[l] ?? -1,
    });
    const nodeId = nodes[l]?.nodeId;
    if (body.size === 0) {
      issues.warning(
        "LOOP_EMPTY_BODY",
        `loop "${nodeId}" has nothing connected to its \`loop\` port`,
        { nodeId },
      );
    } else if (![...loopBackEdges].some((e) => (edges[e] as GraphEdge).to === l)) {
      issues.warning(
        "LOOP_NOT_CLOSED",
        `the body of loop "${nodeId}" has no edge back to it; an iteration ends when every body node has finished`,
        { nodeId },
      );
    }
  }

  const { acyclic, rank } = rankNodes(n, edges, outgoing, loopBackEdges, loops);
  if (!acyclic) {
    const stuck = rank
      .map((r, i) => (r < 0 ? nodes[i]?.nodeId : undefined))
      .filter((id) => id !== undefined);
    issues.error(
      "ILLEGAL_CYCLE",
      `the graph has a cycle through ${stuck.map((id) => `"${id}"`).join(", ")}; only edges from a loop body back to its loop node may close a cycle`,
      { nodeId: stuck[0] },
    );
  }
  return {
    nodeIndex,
    edges,
    outgoing,
    incoming,
    loopBackEdges,
    loops,
    innermost,
    maxLoopDepth,
    acyclic,
    rank,
  };
}

/** Kahn's algorithm with a smallest-index-first ready set; rank -1 marks nodes on a cycle. */
function rankNodes(
  n: number,
  edges: readonly GraphEdge[],
  outgoing: readonly number[][],
  loopBackEdges: ReadonlySet<number>,
  loops: ReadonlyMap<number, LoopInfo>,
): { acyclic: boolean; rank: number[] } {
  const successors: number[][] = Array.from({ length: n }, () => []);
  const indegree = new Array<number>(n).fill(0);
  const link = (from: number, to: number) => {
    (successors[from] as number[]).push(to);
    indegree[to] = (indegree[to] as number) + 1;
  };
  for (const edge of edges) if (!loopBackEdges.has(edge.index)) link(edge.from, edge.to);
  for (const [l, loop] of loops) {
    for (const e of outgoing[l] ?? []) {
      const edge = edges[e] as GraphEdge;
      if (edge.fromPort === "loop" || loop.bodySet.has(edge.to) || loopBackEdges.has(e)) continue;
      for (const b of loop.body) link(b, edge.to);
    }
  }
  const rank = new Array<number>(n).fill(-1);
  const ready = new MinHeap();
  for (let v = 0; v < n; v++) if (indegree[v] === 0) ready.push(v);
  let next = 0;
  while (ready.size > 0) {
    const v = ready.pop();
    rank[v] = next++;
    for (const w of successors[v] as number[]) {
      indegree[w] = (indegree[w] as number) - 1;
      if (indegree[w] === 0) ready.push(w);
    }
  }
  return { acyclic: next === n, rank };
}

class MinHeap {
  private readonly items: number[] = [];

  get size(): number {
    return this.items.length;
  }

  push(value: number): void {
    const a = this.items;
    a.push(value);
    let i = a.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if ((a[p] as number) <= value) break;
      a[i] = a[p] as number;
      i = p;
    }
    a[i] = value;
  }

  pop(): number {
    const a = this.items;
    const top = a[0] as number;
    const last = a.pop() as number;
    if (a.length > 0) {
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        if (l >= a.length) break;
        const r = l + 1;
        const c = r < a.length && (a[r] as number) < (a[l] as number) ? r : l;
        if ((a[c] as number) >= last) break;
        a[i] = a[c] as number;
        i = c;
      }
      a[i] = last;
    }
    return top;
  }
}
