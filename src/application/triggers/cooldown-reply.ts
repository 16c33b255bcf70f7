import type { JsonObject } from "../../domain/json.js";
import type { Principal } from "../../domain/permissions/principal.js";
import type { ChatEvent } from "../../domain/triggers/chat-event.js";
import type { TriggerRule } from "../../domain/triggers/trigger-rule.js";
import type { IdGenerator } from "../../ports/id-generator.js";
import type { WorkflowRepository } from "../../ports/workflow-repository.js";
import type { Auditor } from "../shared/audit.js";
import { newExecution } from "./new-execution.js";
import type { TriggerAdmissionGate } from "./trigger-admission-gate.js";

/**
 * Starts a trigger's cooldown reply workflow (e.g. "wait 42 s") when a cooldown refused its
 * run: the reply's trigger data is the event's, with `remaining_ms`, `scope` and
 * `cooldown_workflow_id`. The reply must be a published workflow of the same community; it is
 * subject to the community rate limit and, once per event, to nothing else.
 */
export class CooldownReply {
  constructor(
    private readonly workflows: WorkflowRepository,
    private readonly gate: TriggerAdmissionGate,
    private readonly ids: IdGenerator,
    private readonly auditor: Auditor,
  ) {}

  /** The reply's execution id, or null when the trigger has none or it cannot run. */
  async start(
    principal: Principal,
    event: ChatEvent,
    rule: TriggerRule,
    triggerData: JsonObject,
    cooldown: { remainingMs: number; scope: "global" | "user" },
    now: Date,
  ): Promise<string | null> {
    const replyId = rule.limits.cooldownReplyWorkflowId;
    if (replyId === null) return null;
    const reply = await this.workflows.get(replyId);
    if (
      reply === null ||
      reply.status !== "published" ||
      reply.publishedVersion === null ||
      reply.communityId !== rule.communityId
    ) {
      return null;
    }
    const execution = newExecution({
      executionId: this.ids.next(),
      workflowId: reply.workflowId,
      workflowVersion: reply.publishedVersion,
      communityId: reply.communityId,
      entityId: reply.entityId,
      triggeredBy: principal.userId,
      trigger: {
        triggerNodeId: "",
        triggerSource: "cooldown_reply",
        sessionId: "",
        platform: event.platform,
        data: {
          ...triggerData,
          remaining_ms: cooldown.remainingMs,
          scope: cooldown.scope,
          cooldown_workflow_id: rule.workflowId,
        },
      },
      inputVariables: {},
      idempotencyKey: `chat:${event.eventId}:reply:${rule.workflowId}`,
      createdAt: now,
    });
    const audit = this.auditor.successEvent(
      principal,
      "dispatch_chat_event",
      {
        communityId: reply.communityId,
        workflowId: reply.workflowId,
        executionId: execution.executionId,
      },
      {
        event_id: event.eventId,
        trigger_source: "cooldown_reply",
        cooldown_workflow_id: rule.workflowId,
      },
    );
    const runFor = {
      platform: event.platform,
      channelId: event.channelId,
      userId: event.user.id,
      roles: [],
    };
    const admission = await this.gate.admit(execution, audit, null, runFor, now.getTime());
    if (admission.kind !== "started") return null;
    this.auditor.recorded(audit);
    return admission.executionId;
  }
}
