import { RecordingActionGateway } from "../../../src/adapters/engine-support/recording-action-gateway.js";
import { CelExpressionCompiler } from "../../../src/adapters/expressions/cel-expression-compiler.js";
import {
  type CompiledWorkflow,
  compileWorkflow,
} from "../../../src/domain/engine/compile-workflow.js";
import type {
  EngineEvent,
  EngineResult,
  RunHandle,
  RunOptions,
  TrustedContext,
} from "../../../src/domain/engine/engine-types.js";
import { runWorkflow } from "../../../src/domain/engine/run-workflow.js";
import type { NodeRun } from "../../../src/domain/execution/node-run.js";
import type { JsonObject } from "../../../src/domain/json.js";
import type {
  WorkflowConnection,
  WorkflowDefinition,
  WorkflowNode,
} from "../../../src/domain/workflow/workflow-definition.js";
import { ManualClock } from "./manual-clock.js";

export const compiler = new CelExpressionCompiler();

/** A node with sensible defaults; `config` is the node's config object. */
export function node(
  nodeId: string,
  nodeType: string,
  config: JsonObject = {},
  extra: Partial<WorkflowNode> = {},
): WorkflowNode {
  return {
    nodeId,
    nodeType,
    label: nodeId,
    position: { x: 0, y: 0 },
    enabled: true,
    description: "",
    config,
    ...extra,
  };
}

let edgeCounter = 0;

/** An edge; `fromPort` defaults to the natural port of `from`'s type when known (see `ports`). */
export function edge(
  from: string,
  to: string,
  fromPort = "output",
  toPort = "input",
): WorkflowConnection {
  edgeCounter++;
  return {
    connectionId: `c${edgeCounter}-${from}-${to}`,
    fromNodeId: from,
    fromPortName: fromPort,
    toNodeId: to,
    toPortName: toPort,
    enabled: true,
  };
}

export function definition(
  nodes: WorkflowNode[],
  connections: WorkflowConnection[],
  globalVariables: JsonObject = {},
): WorkflowDefinition {
  return { nodes, connections, globalVariables, limits: {} };
}

export const trigger = (id = "t") =>
  node(id, "trigger_command", { command_pattern: "!go", platforms: ["twitch"] });
export const pass = (id: string) => node(id, "flow_merge");
export const setVar = (id: string, variables: JsonObject) =>
  node(id, "data_variable_set", { variables });
export const end = (id: string, output_expression?: string) =>
  node(id, "flow_end", output_expression === undefined ? {} : { output_expression });

export function context(overrides: Partial<TrustedContext> = {}): TrustedContext {
  return {
    executionId: "exec-1",
    workflowId: "wf-1",
    workflowVersion: 1,
    userId: "user-1",
    communityId: 7,
    entityId: 42,
    sessionId: "session-1",
    platform: "twitch",
    ...overrides,
  };
}

export interface Harness {
  compiled: CompiledWorkflow;
  gateway: RecordingActionGateway;
  clock: ManualClock;
  events: EngineEvent[];
  handle: RunHandle;
  result: Promise<EngineResult>;
}

/** Compiles and starts a run with a recording gateway and a manual clock. */
export function start(
  def: WorkflowDefinition,
  options: Partial<RunOptions> = {},
  deps: { gateway?: RecordingActionGateway; clock?: ManualClock } = {},
): Harness {
  const compiled = compileWorkflow(def, compiler);
  const gateway = deps.gateway ?? new RecordingActionGateway();
  const clock = deps.clock ?? new ManualClock();
  const events: EngineEvent[] = [];
  const userOnEvent = options.onEvent;
  const handle = runWorkflow(
    compiled,
    {
      context: context(),
      ...options,
      onEvent: (event) => {
        events.push(event);
        userOnEvent?.(event);
      },
    },
    { gateway, clock },
  );
  return { compiled, gateway, clock, events, handle, result: handle.result };
}

/** Runs to the end (advancing the manual clock when asked) and returns result and records. */
export async function execute(
  def: WorkflowDefinition,
  options: Partial<RunOptions> = {},
  deps: { gateway?: RecordingActionGateway; clock?: ManualClock } = {},
): Promise<{ result: EngineResult; runs: NodeRun[]; harness: Harness }> {
  const harness = start(def, options, deps);
  const result = await harness.result;
  return { result, runs: finished(harness.events), harness };
}

export function finished(events: readonly EngineEvent[]): NodeRun[] {
  return events.flatMap((e) => (e.type === "node_finished" ? [e.nodeRun] : []));
}

/** Final status per node id (the last record of each node). */
export function statuses(runs: readonly NodeRun[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const run of runs) out[run.nodeId] = run.status;
  return out;
}

/** Node ids in the order their records finished, only those that ran (not skipped/cancelled). */
export function ranOrder(runs: readonly NodeRun[]): string[] {
  return runs.filter((r) => r.status === "completed" || r.status === "failed").map((r) => r.nodeId);
}
