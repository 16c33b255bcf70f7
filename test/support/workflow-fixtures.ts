/**
 * Workflow definitions for integration tests and benchmarks, written once as a `WorkflowSpec`
 * and turned into what each caller needs:
 *
 *   toCreateRequest(spec)  the CreateWorkflowRequest init shape (Connect / gRPC clients)
 *   toRestBody(spec)       the REST body of POST /api/v1/workflows (snake_case JSON)
 *   toDefinition(spec)     the domain WorkflowDefinition (engine benchmarks, unit-level use)
 *
 * Outbound URLs are parameters, so tests point action nodes at servers they started.
 */
import type { JsonObject, JsonValue, MessageInitShape } from "@bufbuild/protobuf";
import type { WorkflowDefinition } from "../../src/domain/workflow/workflow-definition.js";
import type { CreateWorkflowRequestSchema } from "../../src/gen/waddlebot/workflow/v1/workflow_service_pb.js";

export interface NodeSpec {
  id: string;
  type: string;
  config?: JsonObject;
  enabled?: boolean;
}

export interface EdgeSpec {
  from: string;
  port: string;
  to: string;
  toPort?: string;
}

export interface LimitsSpec {
  timeoutSeconds?: number;
  maxLoopIterations?: number;
  maxTotalOperations?: number;
  maxLoopDepth?: number;
  maxParallelNodes?: number;
}

export interface WorkflowSpec {
  name: string;
  description?: string;
  communityId: number;
  entityId?: number;
  tags?: string[];
  globalVariables?: JsonObject;
  limits?: LimitsSpec;
  nodes: NodeSpec[];
  edges: EdgeSpec[];
}

export const node = (id: string, type: string, config: JsonObject = {}): NodeSpec => ({
  id,
  type,
  config,
});

export const edge = (from: string, port: string, to: string, toPort = "input"): EdgeSpec => ({
  from,
  port,
  to,
  toPort,
});

const edgeId = (e: EdgeSpec, index: number) => `e${index + 1}-${e.from}-${e.port}-${e.to}`;

export function toCreateRequest(
  spec: WorkflowSpec,
): MessageInitShape<typeof CreateWorkflowRequestSchema> {
  return {
    metadata: {
      name: spec.name,
      description: spec.description ?? "",
      communityId: BigInt(spec.communityId),
      entityId: BigInt(spec.entityId ?? 0),
      tags: spec.tags ?? [],
      ...(spec.limits === undefined ? {} : { limits: { ...spec.limits } }),
    },
    globalVariables: spec.globalVariables ?? {},
    nodes: spec.nodes.map((n, index) => ({
      nodeId: n.id,
      nodeType: n.type,
      label: n.id,
      position: { x: index * 200, y: 0 },
      ...(n.enabled === undefined ? {} : { enabled: n.enabled }),
      config: n.config ?? {},
    })),
    connections: spec.edges.map((e, index) => ({
      connectionId: edgeId(e, index),
      fromNodeId: e.from,
      fromPortName: e.port,
      toNodeId: e.to,
      toPortName: e.toPort ?? "input",
    })),
  };
}

export function toRestBody(spec: WorkflowSpec): JsonObject {
  const limits: JsonObject = {};
  const l = spec.limits ?? {};
  if (l.timeoutSeconds !== undefined) limits.timeout_seconds = l.timeoutSeconds;
  if (l.maxLoopIterations !== undefined) limits.max_loop_iterations = l.maxLoopIterations;
  if (l.maxTotalOperations !== undefined) limits.max_total_operations = l.maxTotalOperations;
  if (l.maxLoopDepth !== undefined) limits.max_loop_depth = l.maxLoopDepth;
  if (l.maxParallelNodes !== undefined) limits.max_parallel_nodes = l.maxParallelNodes;
  return {
    metadata: {
      name: spec.name,
      description: spec.description ?? "",
      community_id: spec.communityId,
      entity_id: spec.entityId ?? 0,
      tags: spec.tags ?? [],
      limits,
    },
    global_variables: spec.globalVariables ?? {},
    nodes: spec.nodes.map((n, index) => ({
      node_id: n.id,
      node_type: n.type,
      label: n.id,
      position: { x: index * 200, y: 0 },
      enabled: n.enabled ?? true,
      config: n.config ?? {},
    })),
    connections: spec.edges.map((e, index) => ({
      connection_id: edgeId(e, index),
      from_node_id: e.from,
      from_port_name: e.port,
      to_node_id: e.to,
      to_port_name: e.toPort ?? "input",
    })),
  };
}

export function toDefinition(spec: WorkflowSpec): WorkflowDefinition {
  return {
    globalVariables: spec.globalVariables ?? {},
    nodes: spec.nodes.map((n, index) => ({
      nodeId: n.id,
      nodeType: n.type,
      label: n.id,
      position: { x: index * 200, y: 0 },
      enabled: n.enabled ?? true,
      description: "",
      config: n.config ?? {},
    })),
    connections: spec.edges.map((e, index) => ({
      connectionId: edgeId(e, index),
      fromNodeId: e.from,
      fromPortName: e.port,
      toNodeId: e.to,
      toPortName: e.toPort ?? "input",
      enabled: true,
    })),
    limits: { ...spec.limits },
  };
}

const commandTrigger = (id = "start", pattern = "!go") =>
  node(id, "trigger_command", { command_pattern: pattern, platforms: ["twitch"] });

// ------------------------------------------------------------------------------------------
// Every node type

/** The trigger node ids of `allNodeTypesWorkflow`; a run must name one (there are four). */
export const allNodeTriggers = {
  command: "t_command",
  event: "t_event",
  webhook: "t_webhook",
  schedule: "t_schedule",
} as const;

export const allNodeTypesItems = [
  { name: "a", score: 5 },
  { name: "b", score: 1 },
  { name: "c", score: 9 },
];

/** What the module router answers for `execute-module` in `allNodeTypesWorkflow` runs. */
export const allNodeTypesModuleScore = 42;

/**
 * One graph holding all 21 node types, for live runs against real servers:
 *
 *   4 triggers → entry (flow_merge) → greet (data_transform) → who (data_variable_get)
 *   → high (condition_filter: items with score > 2) → check (condition_if, true)
 *   → score (action_module; router answers result.output.score, mapped to vars.module_score)
 *   → route (condition_switch on module_score: "42" → answer) → fan (flow_parallel)
 *   → {chat (action_chat_message), show (action_browser_source), hook (action_webhook)}
 *   → join (flow_merge) → each (loop_foreach over vars.high: collect, stop_each never breaks)
 *   → spin (loop_while counter < 10: inc, stop_spin breaks at 4) → pause (action_delay)
 *   → end (flow_end). The false branch of `check` ends at `nope` (skipped).
 *
 * Trigger data `{user, tag}` personalises the requests; `tag` tells runs apart.
 */
export function allNodeTypesWorkflow(options: {
  communityId: number;
  entityId?: number;
  webhookBaseUrl: string;
  name?: string;
}): WorkflowSpec {
  const t = allNodeTriggers;
  return {
    name: options.name ?? "Every node type",
    description: "all 21 node types in one graph",
    communityId: options.communityId,
    entityId: options.entityId ?? 0,
    tags: ["e2e"],
    globalVariables: { items: allNodeTypesItems, counter: 0, collected: [] },
    nodes: [
      commandTrigger(t.command, "!all"),
      node(t.event, "trigger_event", { event_type: "follow", platforms: ["twitch"] }),
      node(t.webhook, "trigger_webhook", { webhook_path: "/hooks/all", require_auth: false }),
      node(t.schedule, "trigger_schedule", { cron_expression: "@hourly", timezone: "UTC" }),
      node("entry", "flow_merge", { input_ports_required: -1 }),
      node("greet", "data_transform", {
        transformations: { greeting: "'hi ' + trigger.user", shout: "trigger.user.upperAscii()" },
      }),
      node("who", "data_variable_get", {
        variable_name: "trigger.user",
        output_variable: "who",
        default_value: "nobody",
      }),
      node("high", "condition_filter", {
        input_array: "items",
        condition: { variable: "item.score", operator: "greater_than", value: 2 },
        output_variable: "high",
      }),
      node("check", "condition_if", { condition: { expression: "size(vars.high) == 2" } }),
      node("nope", "flow_end", { output_expression: "'not two'" }),
      node("score", "action_module", {
        module_name: "scorer",
        module_version: "1.2.0",
        input_mapping: { who: "user", high: "items" },
        output_mapping: { score: "module_score" },
        timeout_seconds: 20,
      }),
      node("route", "condition_switch", {
        variable: "module_score",
        cases: { "42": "answer", "0": "zero" },
        default_port: "other",
      }),
      node("fan", "flow_parallel", { timeout_seconds: 60 }),
      node("chat", "action_chat_message", {
        message_template: "{{ vars.greeting }}, your score is {{ vars.module_score }}",
        destination: "current_channel",
        timeout_seconds: 20,
      }),
      node("show", "action_browser_source", {
        source_type: "ticker",
        action: "display",
        content_template: "Top for {{ trigger.tag }}: {{ vars.high.map(h, h.name).join(', ') }}",
        duration: 5,
        priority: 2,
        timeout_seconds: 20,
      }),
      node("hook", "action_webhook", {
        url: `${options.webhookBaseUrl}/notify/{{ trigger.tag }}`,
        method: "POST",
        headers: { "x-execution": "{{ execution.execution_id }}" },
        body_template: '{"user": "{{ vars.who }}", "count": {{ size(vars.high) }}}',
        output_variable: "hook_result",
        timeout_seconds: 20,
      }),
      node("join", "flow_merge", { input_ports_required: -1 }),
      node("each", "loop_foreach", {
        array_variable: "high",
        item_variable: "it",
        index_variable: "i",
      }),
      node("collect", "data_variable_set", {
        variables: {
          collected: "{{ vars.collected + [string(i) + ':' + it.name] }}",
          counter: "{{ vars.counter + 1 }}",
        },
      }),
      node("stop_each", "loop_break", {
        break_condition: { variable: "counter", operator: "greater_equal", value: 5 },
      }),
      node("spin", "loop_while", { condition: "vars.counter < 10", max_iterations: 20 }),
      node("inc", "data_transform", { transformations: { counter: "vars.counter + 1" } }),
      node("stop_spin", "loop_break", { break_condition: "vars.counter >= 4" }),
      node("pause", "action_delay", { delay_ms: 20 }),
      node("end", "flow_end", {
        output_expression:
          "{'greeting': vars.greeting, 'shout': vars.shout, 'who': vars.who, " +
          "'high': vars.high.map(h, h.name), 'score': vars.module_score, " +
          "'counter': vars.counter, 'collected': vars.collected, " +
          "'hook_status': vars.hook_result.status, 'hook_body': vars.hook_result.body, " +
          "'message_id': nodes.chat.output.message_id, 'spin': nodes.spin.output, " +
          "'tag': trigger.tag, 'user': execution.user_id, 'platform': execution.platform}",
      }),
    ],
    edges: [
      edge(t.command, "output", "entry"),
      edge(t.event, "output", "entry"),
      edge(t.webhook, "output", "entry"),
      edge(t.schedule, "output", "entry"),
      edge("entry", "output", "greet"),
      edge("greet", "output", "who"),
      edge("who", "output", "high"),
      edge("high", "output", "check"),
      edge("check", "true", "score"),
      edge("check", "false", "nope"),
      edge("score", "success", "route"),
      edge("route", "answer", "fan"),
      edge("fan", "parallel", "chat"),
      edge("fan", "parallel", "show"),
      edge("fan", "parallel", "hook"),
      edge("chat", "success", "join"),
      edge("show", "success", "join"),
      edge("hook", "success", "join"),
      edge("join", "output", "each"),
      edge("each", "loop", "collect"),
      edge("collect", "output", "stop_each"),
      edge("stop_each", "continue", "each"),
      edge("each", "done", "spin"),
      edge("spin", "loop", "inc"),
      edge("inc", "output", "stop_spin"),
      edge("stop_spin", "continue", "spin"),
      edge("spin", "done", "pause"),
      edge("pause", "success", "end"),
    ],
  };
}

/** The final output of an `allNodeTypesWorkflow` run whose module call answered 42. */
export function allNodeTypesFinalOutput(run: {
  user: string;
  tag: string;
  principalUserId: string;
  platform: string;
  messageId: string;
  hookBody: JsonValue;
  hookStatus?: number;
}): JsonObject {
  return {
    greeting: `hi ${run.user}`,
    shout: run.user.toUpperCase(),
    who: run.user,
    high: ["a", "c"],
    score: allNodeTypesModuleScore,
    counter: 4,
    collected: ["0:a", "1:c"],
    hook_status: run.hookStatus ?? 200,
    hook_body: run.hookBody,
    message_id: run.messageId,
    spin: { iterations: 2, broken: true },
    tag: run.tag,
    user: run.principalUserId,
    platform: run.platform,
  };
}

// ------------------------------------------------------------------------------------------
// Small workflows

/** trigger → set (reply from a global variable) → end; no outbound calls. */
export function quickWorkflow(options: { communityId: number; name?: string }): WorkflowSpec {
  return {
    name: options.name ?? "Quick",
    communityId: options.communityId,
    globalVariables: { greeting: "hello" },
    nodes: [
      commandTrigger(),
      node("set", "data_variable_set", { variables: { reply: "{{ vars.greeting }} there" } }),
      node("end", "flow_end", { output_expression: "vars.reply" }),
    ],
    edges: [edge("start", "output", "set"), edge("set", "output", "end")],
  };
}

/**
 * trigger → end, whose output shows what the run saw: the trusted `execution` facts, the
 * variables and the trigger data.
 */
export function echoWorkflow(options: { communityId: number; entityId?: number }): WorkflowSpec {
  return {
    name: "Echo",
    communityId: options.communityId,
    entityId: options.entityId ?? 0,
    globalVariables: { preset: "global" },
    nodes: [
      commandTrigger(),
      node("end", "flow_end", {
        output_expression: "{'execution': execution, 'vars': vars, 'trigger': trigger}",
      }),
    ],
    edges: [edge("start", "output", "end")],
  };
}

/**
 * trigger → before (webhook) → wait (action_delay) → after (webhook) → end. The webhooks POST
 * to `{hookBaseUrl}/before/<execution id>` and `/after/<execution id>`, so a test can tell
 * whether the run passed the delay.
 */
export function delayedWorkflow(options: {
  communityId: number;
  delayMs: number;
  hookBaseUrl: string;
  name?: string;
}): WorkflowSpec {
  return {
    name: options.name ?? "Delayed",
    communityId: options.communityId,
    nodes: [
      commandTrigger(),
      hitNode("before", `${options.hookBaseUrl}/before/{{ execution.execution_id }}`),
      node("wait", "action_delay", { delay_ms: options.delayMs }),
      hitNode("after", `${options.hookBaseUrl}/after/{{ execution.execution_id }}`),
      node("end", "flow_end", { output_expression: "'done'" }),
    ],
    edges: [
      edge("start", "output", "before"),
      edge("before", "success", "wait"),
      edge("wait", "success", "after"),
      edge("after", "success", "end"),
    ],
  };
}

/**
 * Three outcomes chosen by the caller's `mode` variable: "ok" (default) completes, "fail"
 * fails at a transform reading a missing variable, "slow" waits `slowDelayMs` (to be cancelled).
 */
export function modalWorkflow(options: {
  communityId: number;
  slowDelayMs?: number;
  name?: string;
}): WorkflowSpec {
  return {
    name: options.name ?? "Modal",
    communityId: options.communityId,
    nodes: [
      commandTrigger(),
      node("route", "condition_switch", {
        variable: "mode",
        cases: { fail: "fail", slow: "slow" },
        default_port: "ok",
      }),
      node("end_ok", "flow_end", { output_expression: "'ok'" }),
      node("boom", "data_transform", { transformations: { x: "vars.missing.deeper" } }),
      node("end_fail", "flow_end"),
      node("wait", "action_delay", { delay_ms: options.slowDelayMs ?? 120_000 }),
      node("end_slow", "flow_end", { output_expression: "'slow'" }),
    ],
    edges: [
      edge("start", "output", "route"),
      edge("route", "ok", "end_ok"),
      edge("route", "fail", "boom"),
      edge("boom", "output", "end_fail"),
      edge("route", "slow", "wait"),
      edge("wait", "success", "end_slow"),
    ],
  };
}

/**
 * For crash/restart tests: two webhooks, a delay, a third webhook. Each webhook POSTs
 * `{step, execution}` to `{hookBaseUrl}/<step>` so the server can count hits per step and run.
 */
export function resumableWorkflow(options: {
  communityId: number;
  delayMs: number;
  hookBaseUrl: string;
}): WorkflowSpec {
  return {
    name: "Resumable",
    communityId: options.communityId,
    nodes: [
      commandTrigger(),
      stepNode("hit1", options.hookBaseUrl),
      stepNode("hit2", options.hookBaseUrl),
      node("wait", "action_delay", { delay_ms: options.delayMs }),
      stepNode("hit3", options.hookBaseUrl),
      node("end", "flow_end", { output_expression: "'resumed fine'" }),
    ],
    edges: [
      edge("start", "output", "hit1"),
      edge("hit1", "success", "hit2"),
      edge("hit2", "success", "wait"),
      edge("wait", "success", "hit3"),
      edge("hit3", "success", "end"),
    ],
  };
}

/**
 * For crash/restart tests: a webhook, then a foreach whose body calls a webhook and waits,
 * then a last webhook. A crash inside the loop cannot resume (no checkpoint inside loops).
 */
export function loopingResumableWorkflow(options: {
  communityId: number;
  iterations: number;
  delayMs: number;
  hookBaseUrl: string;
}): WorkflowSpec {
  return {
    name: "Resumable loop",
    communityId: options.communityId,
    globalVariables: { rounds: Array.from({ length: options.iterations }, (_, i) => i) },
    nodes: [
      commandTrigger(),
      stepNode("first", options.hookBaseUrl),
      node("rounds", "loop_foreach", { array_variable: "rounds" }),
      stepNode("round", options.hookBaseUrl),
      node("nap", "action_delay", { delay_ms: options.delayMs }),
      stepNode("last", options.hookBaseUrl),
      node("end", "flow_end", { output_expression: "'looped fine'" }),
    ],
    edges: [
      edge("start", "output", "first"),
      edge("first", "success", "rounds"),
      edge("rounds", "loop", "round"),
      edge("round", "success", "nap"),
      edge("nap", "success", "rounds"),
      edge("rounds", "done", "last"),
      edge("last", "success", "end"),
    ],
  };
}

/** A chain of `length` pass-through nodes (flow_merge) between a trigger and an end. */
export function chainWorkflow(options: { communityId: number; length: number }): WorkflowSpec {
  const ids = Array.from({ length: options.length }, (_, i) => `n${i + 1}`);
  const nodes = [
    commandTrigger(),
    ...ids.map((id) => node(id, "flow_merge")),
    node("end", "flow_end"),
  ];
  const order = ["start", ...ids, "end"];
  return {
    name: `Chain of ${options.length}`,
    communityId: options.communityId,
    nodes,
    edges: order.slice(1).map((to, i) => edge(order[i] as string, "output", to)),
  };
}

function hitNode(id: string, url: string): NodeSpec {
  return node(id, "action_webhook", {
    url,
    method: "POST",
    body_template: `{"step": "${id}"}`,
    timeout_seconds: 20,
  });
}

function stepNode(step: string, hookBaseUrl: string): NodeSpec {
  return node(step, "action_webhook", {
    url: `${hookBaseUrl}/${step}`,
    method: "POST",
    body_template: `{"step": "${step}", "execution": "{{ execution.execution_id }}"}`,
    timeout_seconds: 20,
  });
}
