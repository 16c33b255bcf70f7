import { DomainError } from "../errors.js";
import type { JsonObject } from "../json.js";
import type { ExpressionCompiler } from "../ports/expression-compiler.js";
import { type AnalysedNode, analyseWorkflow } from "../workflow/analyse-workflow.js";
import { ERROR_PORT, type NodeTypeSpec } from "../workflow/node-type-spec.js";
import type { MergeConfig } from "../workflow/node-types/flow.js";
import { TRIGGER_TYPES } from "../workflow/node-types/triggers.js";
import type { ValidationIssue } from "../workflow/validation-report.js";
import { issuesToViolations } from "../workflow/validation-report.js";
import type { WorkflowDefinition, WorkflowLimits } from "../workflow/workflow-definition.js";
import type { GraphEdge } from "../workflow/workflow-graph.js";

export interface CompiledEdge {
  readonly to: number;
  readonly port: string;
}

export interface CompiledNode {
  readonly index: number;
  readonly id: string;
  readonly type: string;
  readonly spec: NodeTypeSpec;
  readonly config: unknown;
  readonly enabled: boolean;
  /** Position in the deterministic total order (variable write precedence, final output). */
  readonly rank: number;
  /** Write stamp of the node at the top level: [rank]. */
  readonly stamp: readonly number[];
  /** Frame plan the node belongs to (0 = top level, else the plan of its innermost loop). */
  readonly frame: number;
  /** Index among the members of that frame plan. */
  readonly local: number;
  /** Incoming edges the node waits for (loop-back edges excluded). */
  readonly inCount: number;
  /** Outgoing edges resolved when the node settles (loop ports and loop-back edges excluded). */
  readonly out: readonly CompiledEdge[];
  /** Loop nodes: edges from the `loop` port, fired at the start of every iteration. */
  readonly bodyEntries: readonly CompiledEdge[];
  /** Loop nodes: frame plan of the body. */
  readonly bodyFrame: number;
  readonly hasErrorEdge: boolean;
  /** flow_merge input_ports_required; -1 (wait for all live inputs) for every other node. */
  readonly inputsRequired: number;
  /** flow_parallel nodes whose timed branches include this node. */
  readonly regions: readonly number[];
  /** flow_parallel only: number of nodes in its branches. */
  readonly regionSize: number;
  readonly isTrigger: boolean;
}

export interface FramePlan {
  readonly index: number;
  /** -1 for the top level. */
  readonly loopNode: number;
  readonly members: readonly number[];
  readonly depth: number;
}

/** A workflow version ready to run many times: indexes precomputed, expressions compiled. */
export interface CompiledWorkflow {
  readonly nodes: readonly CompiledNode[];
  readonly nodeIndex: ReadonlyMap<string, number>;
  readonly frames: readonly FramePlan[];
  readonly triggers: readonly number[];
  readonly globalVariables: JsonObject;
  readonly limits: WorkflowLimits;
  readonly maxLoopDepth: number;
  readonly warnings: readonly ValidationIssue[];
}

/**
 * Validates and compiles a definition. Throws DomainError invalid_argument / BAD_REQUEST with
 * one violation per error when it cannot run. Compile once per (workflowId, version).
 */
export function compileWorkflow(
  definition: WorkflowDefinition,
  compiler: ExpressionCompiler,
): CompiledWorkflow {
  const analysis = analyseWorkflow(definition, compiler);
  const { issues, graph } = analysis;
  if (issues.errors.length > 0) {
    throw DomainError.badRequest(
      `the workflow cannot run: ${issues.errors.length} validation error(s); first: ${issues.errors[0]?.message}`,
      issuesToViolations(issues.errors),
    );
  }
  const n = definition.nodes.length;
  const frameOf = (i: number) => graph.innermost[i] ?? -1;
  const planIndex = new Map<number, number>([[-1, 0]]);
  for (const l of [...graph.loops.keys()].sort((a, b) => a - b)) planIndex.set(l, planIndex.size);
  const members: number[][] = Array.from({ length: planIndex.size }, () => []);
  const local = new Array<number>(n);
  for (let i = 0; i < n; i++) {
    const plan = members[planIndex.get(frameOf(i)) as number] as number[];
    local[i] = plan.length;
    plan.push(i);
  }
  const frames: FramePlan[] = [...planIndex].map(([loopNode, index]) => ({
    index,
    loopNode,
    members: members[index] as number[],
    depth: loopNode < 0 ? 0 : (graph.loops.get(loopNode)?.depth ?? 0),
  }));

  const regions = computeRegions(analysis.nodes, graph.edges, graph.outgoing, graph.loopBackEdges);
  const regionsOf: number[][] = Array.from({ length: n }, () => []);
  for (const [p, region] of regions) for (const v of region) regionsOf[v]?.push(p);

  const nodes: CompiledNode[] = analysis.nodes.map((a) => {
    const i = a.index;
    const out: CompiledEdge[] = [];
    const bodyEntries: CompiledEdge[] = [];
    let hasErrorEdge = false;
    const isLoop = graph.loops.has(i);
    for (const e of graph.outgoing[i] ?? []) {
      if (graph.loopBackEdges.has(e)) continue;
      const edge = graph.edges[e] as GraphEdge;
      const compiled = { to: edge.to, port: edge.fromPort };
      if (isLoop && edge.fromPort === "loop") bodyEntries.push(compiled);
      else out.push(compiled);
      if (edge.fromPort === ERROR_PORT) hasErrorEdge = true;
    }
    const inCount = (graph.incoming[i] ?? []).filter((e) => !graph.loopBackEdges.has(e)).length;
    return {
      index: i,
      id: a.node.nodeId,
      type: a.node.nodeType,
      spec: a.spec as NodeTypeSpec,
      config: a.config,
      enabled: a.node.enabled,
      rank: graph.rank[i] ?? 0,
      stamp: [graph.rank[i] ?? 0],
      frame: planIndex.get(frameOf(i)) as number,
      local: local[i] as number,
      inCount,
      out,
      bodyEntries,
      bodyFrame: isLoop ? (planIndex.get(i) as number) : -1,
      hasErrorEdge,
      inputsRequired:
        a.node.nodeType === "flow_merge" ? (a.config as MergeConfig).inputsRequired : -1,
      regions: regionsOf[i] as number[],
      regionSize: regions.get(i)?.size ?? 0,
      isTrigger: TRIGGER_TYPES.has(a.node.nodeType),
    };
  });
  return {
    nodes,
    nodeIndex: graph.nodeIndex,
    frames,
    triggers: analysis.triggers,
    globalVariables: definition.globalVariables,
    limits: definition.limits,
    maxLoopDepth: graph.maxLoopDepth,
    warnings: issues.warnings,
  };
}

/**
 * The branches of each flow_parallel: nodes reachable from it in the same frame, without
 * entering a flow_merge (the merge and what follows it are outside the timed region).
 */
function computeRegions(
  nodes: readonly AnalysedNode[],
  edges: readonly GraphEdge[],
  outgoing: readonly number[][],
  loopBack: ReadonlySet<number>,
): Map<number, Set<number>> {
  const regions = new Map<number, Set<number>>();
  for (const a of nodes) {
    if (a.node.nodeType !== "flow_parallel") continue;
    const region = new Set<number>();
    const stack = [a.index];
    while (stack.length > 0) {
      const v = stack.pop() as number;
      const isLoop =
        nodes[v]?.node.nodeType === "loop_foreach" || nodes[v]?.node.nodeType === "loop_while";
      for (const e of outgoing[v] ?? []) {
        const edge = edges[e] as GraphEdge;
        if (loopBack.has(e) || (isLoop && edge.fromPort === "loop")) continue;
        if (nodes[edge.to]?.node.nodeType === "flow_merge" || region.has(edge.to)) continue;
        region.add(edge.to);
        stack.push(edge.to);
      }
    }
    regions.set(a.index, region);
  }
  return regions;
}
