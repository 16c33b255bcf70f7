import type { Execution } from "../domain/execution/execution.js";
import type { JsonValue } from "../domain/json.js";
import type { TriggerRule } from "../domain/triggers/trigger-rule.js";
import type { AuditEvent } from "./audit-log.js";

/** One limit an admission must pass, checked in the order given. */
export type LimitCheck =
  | { kind: "rate"; key: string; max: number; windowMs: number }
  | { kind: "concurrency"; key: string; max: number }
  | { kind: "cooldown"; key: string; durationMs: number; scope: "global" | "user" };

/** What the database decided about one run. */
export type Admission =
  | { kind: "started" }
  | { kind: "cooldown"; scope: "global" | "user"; remainingMs: number }
  | { kind: "limited"; scope: "community" | "concurrency"; retryAfterMs: number };

export interface AdmissionRequest {
  nowMs: number;
  checks: LimitCheck[];
  execution: Execution;
  audit: AuditEvent;
}

/** The trigger index, read side (publish and archive write it through WorkflowRepository.save). */
export interface TriggerIndex {
  /** Rules of a community for an event type and any of the keywords ("" for event triggers). */
  rulesFor(
    communityId: number,
    eventType: string,
    keywords: readonly string[],
  ): Promise<TriggerRule[]>;
  /** The indexed rules of one workflow, one per trigger node, in node id order. */
  rulesOfWorkflow(workflowId: string): Promise<TriggerRule[]>;
}

export interface TriggerAdmission {
  /**
   * Passes every check and stores the execution (with its audit event and concurrency slot)
   * all or nothing, atomically across processes sharing the database; nothing changes when a
   * check refuses.
   */
  admit(request: AdmissionRequest): Promise<Admission>;
}

export type EventClaim =
  | { kind: "first" }
  /** Dispatched before: the answer then, or null while that dispatch is still deciding. */
  | { kind: "seen"; outcomes: JsonValue | null; createdAt: Date };

/** Event ids already dispatched (idempotency of DispatchChatEvent). */
export interface DispatchLog {
  claim(communityId: number, eventId: string, at: Date): Promise<EventClaim>;
  record(communityId: number, eventId: string, outcomes: JsonValue): Promise<void>;
  /** Gives up a claim whose dispatch failed before it was recorded. */
  forget(communityId: number, eventId: string): Promise<void>;
  prune(before: Date): Promise<void>;
}
