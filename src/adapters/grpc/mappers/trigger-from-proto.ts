import type { TriggerInfo } from "../../../domain/execution/execution.js";
import type { TriggerInfo as ProtoTriggerInfo } from "../../../gen/waddlebot/workflow/v1/execution_pb.js";

export function triggerFromProto(trigger: ProtoTriggerInfo | undefined): Partial<TriggerInfo> {
  if (trigger === undefined) return {};
  return {
    triggerNodeId: trigger.triggerNodeId,
    triggerSource: trigger.triggerSource,
    sessionId: trigger.sessionId,
    platform: trigger.platform,
    data: trigger.data ?? {},
  };
}
