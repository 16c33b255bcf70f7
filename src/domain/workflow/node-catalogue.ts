import type { NodeTypeSpec } from "./node-type-spec.js";
import {
  actionBrowserSource,
  actionChatMessage,
  actionDelay,
  actionModule,
  actionWebhook,
} from "./node-types/actions.js";
import { conditionFilter, conditionIf, conditionSwitch } from "./node-types/conditions.js";
import { dataTransform, dataVariableGet, dataVariableSet } from "./node-types/data.js";
import { flowEnd, flowMerge, flowParallel } from "./node-types/flow.js";
import { loopBreak, loopForeach, loopWhile } from "./node-types/loops.js";
import {
  triggerCommand,
  triggerEvent,
  triggerSchedule,
  triggerWebhook,
} from "./node-types/triggers.js";

/**
 * The one catalogue of node types: the validator, the compiler, the engine and docs/nodes.md
 * all read ports and config rules from here.
 */
export const NODE_CATALOGUE: ReadonlyMap<string, NodeTypeSpec> = new Map(
  (
    [
      triggerCommand,
      triggerEvent,
      triggerWebhook,
      triggerSchedule,
      conditionIf,
      conditionSwitch,
      conditionFilter,
      actionModule,
      actionWebhook,
      actionChatMessage,
      actionBrowserSource,
      actionDelay,
      dataTransform,
      dataVariableSet,
      dataVariableGet,
      loopForeach,
      loopWhile,
      loopBreak,
      flowMerge,
      flowParallel,
      flowEnd,
    ] as NodeTypeSpec[]
  ).map((spec) => [spec.type, spec]),
);
