import type { NodeBehaviour } from "../node-context.js";
import {
  runBrowserSource,
  runChatMessage,
  runDelay,
  runModule,
  runWebhook,
} from "./action-nodes.js";
import { runConditionFilter, runConditionIf, runConditionSwitch } from "./condition-nodes.js";
import { runTransform, runVariableGet, runVariableSet } from "./data-nodes.js";
import { runBreak, runEnd, runMerge, runParallel, runTrigger } from "./flow-nodes.js";

/**
 * How each node type runs. Loop nodes (loop_foreach, loop_while) are driven by the run itself
 * because they own frames of body nodes.
 */
export const NODE_BEHAVIOURS: ReadonlyMap<string, NodeBehaviour> = new Map<string, NodeBehaviour>([
  ["trigger_command", runTrigger],
  ["trigger_event", runTrigger],
  ["trigger_webhook", runTrigger],
  ["trigger_schedule", runTrigger],
  ["condition_if", runConditionIf],
  ["condition_switch", runConditionSwitch],
  ["condition_filter", runConditionFilter],
  ["action_module", runModule],
  ["action_webhook", runWebhook],
  ["action_chat_message", runChatMessage],
  ["action_browser_source", runBrowserSource],
  ["action_delay", runDelay],
  ["data_transform", runTransform],
  ["data_variable_set", runVariableSet],
  ["data_variable_get", runVariableGet],
  ["loop_break", runBreak],
  ["flow_merge", runMerge],
  ["flow_parallel", runParallel],
  ["flow_end", runEnd],
]);
