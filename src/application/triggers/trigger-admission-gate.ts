import { DomainError } from "../../domain/errors.js";
import type { Execution } from "../../domain/execution/execution.js";
import type { TriggerRule } from "../../domain/triggers/trigger-rule.js";
import type { AuditEvent } from "../../ports/audit-log.js";
import type { ExecutionRepository } from "../../ports/execution-repository.js";
import type {
  Admission,
  LimitCheck,
  TriggerAdmission,
  TriggerIndex,
} from "../../ports/trigger-store.js";

const noUser = { platform: "", channelId: "", userId: "", roles: [] };

import { type CommunityRate, limitChecks, type RunFor } from "./limit-checks.js";

/** An admission as the gate answers it: a started run carries its id (a replay's, if so). */
export type GateAdmission =
  | { kind: "started"; executionId: string }
  | Exclude<Admission, { kind: "started" }>;

/**
 * Stores new runs through the limits that apply to them: with no limit, a plain insert; with
 * any, an atomic admission. The one place every way of starting a run (API, chat, webhooks,
 * schedules) passes through.
 */
export class TriggerAdmissionGate {
  constructor(
    private readonly executions: ExecutionRepository,
    private readonly admission: TriggerAdmission,
    private readonly index: TriggerIndex,
    private readonly rate: CommunityRate | null,
  ) {}

  async admit(
    execution: Execution,
    audit: AuditEvent,
    rule: TriggerRule | null,
    runFor: RunFor,
    nowMs: number,
  ): Promise<GateAdmission> {
    const checks = limitChecks(execution.communityId, rule, runFor, this.rate);
    try {
      if (checks.length === 0) await this.executions.insert(execution, audit);
      else {
        const admission = await this.admission.admit({ nowMs, checks, execution, audit });
        if (admission.kind !== "started") return admission;
      }
      return { kind: "started", executionId: execution.executionId };
    } catch (error) {
      // A run stored before under the same idempotency key (a retried dispatch) is the answer.
      const key = execution.idempotencyKey;
      if (key === null || !DomainError.is(error) || error.kind !== "already_exists") throw error;
      const existing = await this.executions.findByIdempotencyKey(
        execution.triggeredBy,
        key,
        new Date(0),
      );
      if (existing === null) throw error;
      return { kind: "started", executionId: existing.executionId };
    }
  }

  /** A run under the community rate and `extra` checks (webhooks: the hook's rate limit). */
  async admitWith(
    execution: Execution,
    audit: AuditEvent,
    extra: LimitCheck[],
    nowMs: number,
  ): Promise<Admission> {
    const checks = [...limitChecks(execution.communityId, null, noUser, this.rate), ...extra];
    if (checks.length === 0) {
      await this.executions.insert(execution, audit);
      return { kind: "started" };
    }
    return this.admission.admit({ nowMs, checks, execution, audit });
  }

  /**
   * ExecuteWorkflow's limits: those of the trigger node it names, else of the workflow's first
   * indexed chat trigger; a refusal is RESOURCE_EXHAUSTED with the wait in its metadata.
   */
  async admitApiRun(
    execution: Execution,
    audit: AuditEvent,
    runFor: RunFor,
    nowMs: number,
  ): Promise<void> {
    const rules = await this.index.rulesOfWorkflow(execution.workflowId);
    const wanted = execution.trigger.triggerNodeId;
    const rule = (wanted === "" ? rules[0] : rules.find((r) => r.nodeId === wanted)) ?? null;
    const checks = limitChecks(execution.communityId, rule, runFor, this.rate);
    if (checks.length === 0) {
      await this.executions.insert(execution, audit);
      return;
    }
    const admission = await this.admission.admit({ nowMs, checks, execution, audit });
    if (admission.kind !== "started") throw refusal(admission);
  }
}

/** RESOURCE_EXHAUSTED (HTTP 429) for a refused admission, with retry_after_ms. */
export function refusal(admission: Exclude<Admission, { kind: "started" }>): DomainError {
  const waitMs = admission.kind === "cooldown" ? admission.remainingMs : admission.retryAfterMs;
  const message =
    admission.kind === "cooldown"
      ? `the workflow is cooling down (${admission.scope}); retry in ${waitMs} ms`
      : admission.scope === "concurrency"
        ? "the workflow's concurrency limit is reached; retry when a run ends"
        : `the community's run rate limit is reached; retry in ${waitMs} ms`;
  return new DomainError(
    "limit_exceeded",
    admission.kind === "cooldown" ? "COOLDOWN" : "RATE_LIMITED",
    message,
    {
      metadata: {
        retry_after_ms: String(waitMs),
        scope: admission.scope,
      },
    },
  );
}
