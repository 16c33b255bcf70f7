/** What a dispatch did for one workflow (the proto AdmissionOutcome). */
export type DispatchOutcome =
  | { kind: "started"; executionId: string }
  | {
      kind: "cooldown";
      remainingMs: number;
      scope: "global" | "user";
      /** The reply workflow's run, when the trigger names one. */
      replyExecutionId: string | null;
    }
  | { kind: "denied"; reason: string; detail: string }
  | { kind: "limited"; retryAfterMs: number; scope: "community" | "concurrency" }
  | { kind: "no_match"; detail: string };

export interface WorkflowDispatchOutcome {
  workflowId: string;
  nodeId: string;
  outcome: DispatchOutcome;
}

export interface DispatchResult {
  eventId: string;
  /** The event id was dispatched before: this is that dispatch's answer; nothing started now. */
  duplicate: boolean;
  /** Per candidate workflow of the community (matched or not), in workflow id order. */
  outcomes: WorkflowDispatchOutcome[];
}
