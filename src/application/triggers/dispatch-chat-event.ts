import { DomainError } from "../../domain/errors.js";
import type { JsonValue } from "../../domain/json.js";
import type { Principal } from "../../domain/permissions/principal.js";
import type { Clock } from "../../domain/ports/clock.js";
import { type ChatEvent, commandEventTypes } from "../../domain/triggers/chat-event.js";
import { commandKeyword } from "../../domain/triggers/command-text.js";
import { type MatchResult, matchRule } from "../../domain/triggers/match-rule.js";
import type { TriggerRule } from "../../domain/triggers/trigger-rule.js";
import type { IdGenerator } from "../../ports/id-generator.js";
import type { Logger } from "../../ports/logger.js";
import type { DispatchLog, TriggerIndex } from "../../ports/trigger-store.js";
import type { WorkflowRepository } from "../../ports/workflow-repository.js";
import type { Auditor } from "../shared/audit.js";
import { checkChatEvent } from "./chat-event-input.js";
import { CooldownReply } from "./cooldown-reply.js";
import type {
  DispatchOutcome,
  DispatchResult,
  WorkflowDispatchOutcome,
} from "./dispatch-outcome.js";
import { newExecution } from "./new-execution.js";
import type { StartGuard } from "./start-guard.js";
import type { TriggerAdmissionGate } from "./trigger-admission-gate.js";

/** A claim older than this whose answer was never recorded belongs to a dispatch that died. */
const abandonedClaimMs = 30_000;
const eventRetentionMs = 24 * 60 * 60 * 1000;

/**
 * Turns a chat event into runs: every published workflow of the community whose chat trigger
 * matches gets one run, admitted through its cooldowns and limits; the answer says, per
 * workflow, what happened. The same event id again answers the first dispatch's outcome and
 * starts nothing. Only keys with the dispatch flag (and admins) may call it.
 */
export class DispatchChatEvent {
  private readonly replies: CooldownReply;
  private lastPrune = 0;

  constructor(
    private readonly index: TriggerIndex,
    private readonly log: DispatchLog,
    private readonly gate: TriggerAdmissionGate,
    private readonly guard: StartGuard,
    workflows: WorkflowRepository,
    private readonly ids: IdGenerator,
    private readonly clock: Clock,
    private readonly auditor: Auditor,
    private readonly logger: Logger,
    private readonly wakeRunner: () => void,
  ) {
    this.replies = new CooldownReply(workflows, gate, ids, auditor);
  }

  async execute(principal: Principal, event: ChatEvent): Promise<DispatchResult> {
    if (!principal.admin && principal.canDispatch !== true) {
      await this.auditor.denied(principal, "dispatch_chat_event", {
        communityId: Number.isSafeInteger(event.communityId) ? event.communityId : null,
      });
      throw new DomainError(
        "permission_denied",
        "PERMISSION_DENIED",
        "this API key may not dispatch chat events (an admin grants can_dispatch)",
      );
    }
    checkChatEvent(event);
    await this.guard.requireRunning(event.communityId, principal, "dispatch_chat_event");
    const now = new Date(this.clock.now());
    const candidates = await this.candidates(event);
    // No workflow listens: nothing can start, so there is nothing to make idempotent.
    if (candidates.length === 0) return { eventId: event.eventId, duplicate: false, outcomes: [] };
    this.pruneNowAndThen(now);
    const claim = await this.log.claim(event.communityId, event.eventId, now);
    if (claim.kind === "seen") {
      if (claim.outcomes !== null) return answered(event.eventId, claim.outcomes);
      if (now.getTime() - claim.createdAt.getTime() < abandonedClaimMs) {
        throw new DomainError(
          "conflict",
          "CONFLICT",
          `event ${event.eventId} is being dispatched; send it again to read the answer`,
          { metadata: { event_id: event.eventId } },
        );
      }
    }
    try {
      const outcomes = await this.dispatch(principal, event, candidates, now);
      await this.log.record(event.communityId, event.eventId, outcomes as unknown as JsonValue);
      return { eventId: event.eventId, duplicate: false, outcomes };
    } catch (error) {
      await this.log.forget(event.communityId, event.eventId).catch(() => undefined);
      throw error;
    }
  }

  private async dispatch(
    principal: Principal,
    event: ChatEvent,
    candidates: TriggerRule[],
    now: Date,
  ): Promise<WorkflowDispatchOutcome[]> {
    const byWorkflow = groupByWorkflow(candidates);
    const outcomes = await Promise.all(
      [...byWorkflow].map(([workflowId, rules]) =>
        this.dispatchTo(principal, event, workflowId, rules, now),
      ),
    );
    if (outcomes.some((o) => o.outcome.kind === "started")) this.wakeRunner();
    return outcomes;
  }

  private async candidates(event: ChatEvent): Promise<TriggerRule[]> {
    const lookups = [this.index.rulesFor(event.communityId, event.eventType, [""])];
    const keyword = commandEventTypes.has(event.eventType) ? commandKeyword(event.message) : null;
    if (keyword !== null)
      lookups.push(this.index.rulesFor(event.communityId, "command", [keyword]));
    return (await Promise.all(lookups)).flat();
  }

  /** The first matching trigger of the workflow (node id order) starts its one run. */
  private async dispatchTo(
    principal: Principal,
    event: ChatEvent,
    workflowId: string,
    rules: TriggerRule[],
    now: Date,
  ): Promise<WorkflowDispatchOutcome> {
    let best: { rule: TriggerRule; result: MatchResult } | null = null;
    for (const rule of rules) {
      const result = matchRule(rule, event);
      if (result.kind === "matched") {
        return {
          workflowId,
          nodeId: rule.nodeId,
          outcome: await this.start(principal, event, rule, result.triggerData, now),
        };
      }
      if (best === null || (best.result.kind === "no_match" && result.kind === "denied")) {
        best = { rule, result };
      }
    }
    const { rule, result } = best as { rule: TriggerRule; result: MatchResult };
    const outcome: DispatchOutcome =
      result.kind === "denied"
        ? { kind: "denied", reason: result.reason, detail: result.detail }
        : { kind: "no_match", detail: result.kind === "no_match" ? result.detail : "" };
    return { workflowId, nodeId: rule.nodeId, outcome };
  }

  private async start(
    principal: Principal,
    event: ChatEvent,
    rule: TriggerRule,
    triggerData: Record<string, JsonValue>,
    now: Date,
  ): Promise<DispatchOutcome> {
    const execution = newExecution({
      executionId: this.ids.next(),
      workflowId: rule.workflowId,
      workflowVersion: rule.workflowVersion,
      communityId: rule.communityId,
      entityId: rule.entityId,
      triggeredBy: principal.userId,
      trigger: {
        triggerNodeId: rule.nodeId,
        triggerSource: "chat",
        sessionId: "",
        platform: event.platform,
        data: triggerData,
      },
      inputVariables: {},
      idempotencyKey: `chat:${event.eventId}:${rule.nodeId}`,
      createdAt: now,
    });
    const audit = this.auditor.successEvent(
      principal,
      "dispatch_chat_event",
      {
        communityId: rule.communityId,
        workflowId: rule.workflowId,
        executionId: execution.executionId,
      },
      {
        event_id: event.eventId,
        event_type: event.eventType,
        node_id: rule.nodeId,
        trigger_source: "chat",
      },
    );
    const runFor = {
      platform: event.platform,
      channelId: event.channelId,
      userId: event.user.id,
      roles: event.user.roles,
    };
    const admission = await this.gate.admit(execution, audit, rule, runFor, now.getTime());
    switch (admission.kind) {
      case "started":
        if (admission.executionId === execution.executionId) this.auditor.recorded(audit);
        return { kind: "started", executionId: admission.executionId };
      case "limited":
        return { kind: "limited", retryAfterMs: admission.retryAfterMs, scope: admission.scope };
      case "cooldown": {
        const replyExecutionId = await this.replies
          .start(principal, event, rule, triggerData, admission, now)
          .catch((error: unknown) => {
            this.logger.warn(
              { err: error, workflow_id: rule.workflowId, event_id: event.eventId },
              "the cooldown reply workflow could not be started",
            );
            return null;
          });
        if (replyExecutionId !== null) this.wakeRunner();
        return {
          kind: "cooldown",
          remainingMs: admission.remainingMs,
          scope: admission.scope,
          replyExecutionId,
        };
      }
    }
  }

  /** Event ids are kept a day; forgetting older ones is done in passing, once a minute. */
  private pruneNowAndThen(now: Date): void {
    if (now.getTime() - this.lastPrune < 60_000) return;
    this.lastPrune = now.getTime();
    this.log.prune(new Date(now.getTime() - eventRetentionMs)).catch((error: unknown) => {
      this.logger.warn({ err: error }, "pruning dispatched event ids failed");
    });
  }
}

function groupByWorkflow(rules: TriggerRule[]): Map<string, TriggerRule[]> {
  const byWorkflow = new Map<string, TriggerRule[]>();
  const seen = new Set<string>();
  for (const rule of rules) {
    const key = `${rule.workflowId}\u0000${rule.nodeId}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const list = byWorkflow.get(rule.workflowId) ?? [];
    list.push(rule);
    byWorkflow.set(rule.workflowId, list);
  }
  for (const list of byWorkflow.values())
    list.sort((a, b) => (a.nodeId < b.nodeId ? -1 : a.nodeId > b.nodeId ? 1 : 0));
  return new Map([...byWorkflow].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

function answered(eventId: string, outcomes: JsonValue): DispatchResult {
  return {
    eventId,
    duplicate: true,
    outcomes: outcomes as unknown as WorkflowDispatchOutcome[],
  };
}
