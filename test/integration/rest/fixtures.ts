/**
 * Workflows the REST tests create. The greeter runs without outbound calls: a command trigger,
 * a variable set from a template, and an end node whose output is a CEL expression.
 */
export function greeterWorkflow(communityId: number, name = "Greeter"): Record<string, unknown> {
  return {
    metadata: {
      name,
      description: "Answers !hello",
      community_id: communityId,
      entity_id: 456,
      tags: ["chat", "test"],
      limits: { timeout_seconds: 60 },
    },
    global_variables: { greeting: "hello" },
    nodes: [
      {
        node_id: "start",
        node_type: "trigger_command",
        label: "Start",
        position: { x: 0, y: 0 },
        config: { command_pattern: "!hello", platforms: ["twitch"] },
      },
      {
        node_id: "set",
        node_type: "data_variable_set",
        label: "Set reply",
        position: { x: 200, y: 0 },
        config: { variables: { reply: "{{ vars.greeting }} there" } },
      },
      {
        node_id: "end",
        node_type: "flow_end",
        label: "End",
        position: { x: 400, y: 0 },
        config: { output_expression: "vars.reply" },
      },
    ],
    connections: [
      restConnection("c1", "start", "output", "set"),
      restConnection("c2", "set", "output", "end"),
    ],
  };
}

/** The same graph in the original module's flat shape: nodes keyed by id, fields at the top. */
export function legacyGreeterWorkflow(communityId: number): Record<string, unknown> {
  return {
    name: "Legacy greeter",
    description: "Created in the original shape",
    community_id: String(communityId),
    entity_id: 456,
    version: "1.0.0",
    trigger_type: "command",
    max_execution_time_seconds: 120,
    global_variables: { greeting: "hi" },
    nodes: {
      start: {
        node_type: "trigger_command",
        label: "Start",
        position: { x: 0, y: 0 },
        command_pattern: "!hi",
        platforms: ["discord"],
        input_ports: [],
        output_ports: [{ name: "output", port_type: "output", data_type: "any" }],
      },
      set: {
        node_id: "set",
        node_type: "data_variable_set",
        label: "Set reply",
        position: { x: 200, y: 0 },
        variables: { reply: "{{ vars.greeting }} back" },
      },
      end: {
        node_type: "flow_end",
        label: "End",
        position: { x: 400, y: 0 },
        output_expression: "vars.reply",
      },
    },
    connections: [
      restConnection("c1", "start", "output", "set"),
      restConnection("c2", "set", "output", "end"),
    ],
  };
}

/** A run that waits (a long delay) so it can be cancelled while it runs. */
export function slowWorkflow(communityId: number): Record<string, unknown> {
  return {
    metadata: { name: "Slow", community_id: communityId },
    nodes: [
      {
        node_id: "start",
        node_type: "trigger_command",
        label: "Start",
        position: { x: 0, y: 0 },
        config: { command_pattern: "!slow", platforms: ["twitch"] },
      },
      {
        node_id: "wait",
        node_type: "action_delay",
        label: "Wait",
        position: { x: 200, y: 0 },
        config: { delay_ms: 120_000 },
      },
      {
        node_id: "end",
        node_type: "flow_end",
        label: "End",
        position: { x: 400, y: 0 },
      },
    ],
    connections: [
      restConnection("c1", "start", "output", "wait"),
      restConnection("c2", "wait", "success", "end"),
    ],
  };
}

/** Stored fine as a draft, rejected by validate and publish. */
export function invalidWorkflow(communityId: number): Record<string, unknown> {
  return {
    metadata: { name: "Broken", community_id: communityId },
    nodes: [
      {
        node_id: "start",
        node_type: "trigger_command",
        label: "Start",
        position: { x: 0, y: 0 },
        config: { command_pattern: "", platforms: [] },
      },
      {
        node_id: "mystery",
        node_type: "no_such_type",
        label: "Mystery",
        position: { x: 200, y: 0 },
      },
    ],
    connections: [restConnection("c1", "start", "output", "mystery")],
  };
}

/** A node in the REST (snake_case) workflow JSON. */
export function restNode(
  nodeId: string,
  nodeType: string,
  config: Record<string, unknown> = {},
  x = 0,
): Record<string, unknown> {
  return { node_id: nodeId, node_type: nodeType, label: nodeId, position: { x, y: 0 }, config };
}

/** A connection in the REST workflow JSON, always into the target's `input` port. */
export function restConnection(id: string, from: string, fromPort: string, to: string) {
  return {
    connection_id: id,
    from_node_id: from,
    from_port_name: fromPort,
    to_node_id: to,
    to_port_name: "input",
  };
}

/** A webhook call between trigger and end: dry runs record the request instead of sending it. */
export function webhookWorkflow(communityId: number): Record<string, unknown> {
  return {
    metadata: { name: "Notifier", community_id: communityId },
    nodes: [
      {
        node_id: "start",
        node_type: "trigger_command",
        label: "Start",
        position: { x: 0, y: 0 },
        config: { command_pattern: "!notify", platforms: ["twitch"] },
      },
      {
        node_id: "hook",
        node_type: "action_webhook",
        label: "Notify",
        position: { x: 200, y: 0 },
        config: {
          url: "https://hooks.example.com/notify",
          method: "POST",
          body_template: '{"text": "{{ vars.test }}"}',
          output_variable: "hook_result",
        },
      },
      {
        node_id: "end",
        node_type: "flow_end",
        label: "End",
        position: { x: 400, y: 0 },
        config: { output_expression: "vars.hook_result" },
      },
    ],
    connections: [
      restConnection("c1", "start", "output", "hook"),
      restConnection("c2", "hook", "success", "end"),
    ],
  };
}
