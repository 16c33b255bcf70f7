import type { Execution } from "../domain/execution/execution.js";
import type { ScheduleTriggerConfig } from "../domain/workflow/node-types/triggers.js";
import type { AuditEvent } from "./audit-log.js";

export interface StoredSchedule {
  workflowId: string;
  nodeId: string;
  communityId: number;
  entityId: number;
  workflowVersion: number;
  config: ScheduleTriggerConfig;
  /** Null when the schedule has ended (no further tick, or max_executions reached). */
  nextFireAtMs: number | null;
  fireCount: number;
  lastFireAtMs: number | null;
  lastExecutionId: string | null;
}

/** Schedules of published workflows (publish/archive write them through WorkflowRepository.save). */
export interface ScheduleStore {
  /** Schedules whose next tick is at or before `nowMs`, oldest first. */
  due(nowMs: number, limit: number): Promise<StoredSchedule[]>;
  ofWorkflow(workflowId: string): Promise<StoredSchedule[]>;
  /**
   * Compare-and-set: moves the schedule's next tick from `dueMs` to `nextMs` and, with `run`,
   * stores the run and its audit event and counts it, all or nothing. False (nothing stored)
   * when the tick is no longer `dueMs`: another process fired it, or a publish moved it.
   */
  advance(
    schedule: StoredSchedule,
    dueMs: number,
    nextMs: number | null,
    run: { execution: Execution; audit: AuditEvent } | null,
  ): Promise<boolean>;
}
