import { isTerminalStatus } from "../../domain/execution/execution-status.js";
import type { Principal } from "../../domain/permissions/principal.js";
import type { Clock } from "../../domain/ports/clock.js";
import type { CronCalendar } from "../../ports/cron-calendar.js";
import type { ExecutionRepository } from "../../ports/execution-repository.js";
import type { IdGenerator } from "../../ports/id-generator.js";
import type { Logger } from "../../ports/logger.js";
import type { ScheduleStore, StoredSchedule } from "../../ports/schedule-store.js";
import type { Auditor } from "../shared/audit.js";
import { newExecution } from "./new-execution.js";
import type { StartGuard } from "./start-guard.js";

export interface ScheduleRunnerOptions {
  pollMs: number;
  /** A tick found later than this is a misfire (the service was down or overloaded). */
  misfireGraceMs: number;
}

const scheduler: Principal = {
  userId: "scheduler",
  roles: [],
  communityIds: [],
  admin: false,
  keyId: "",
};

/**
 * Fires trigger_schedule ticks. Every process polls for due schedules; a tick is fired by the
 * one whose compare-and-set on the schedule's next tick wins, in the transaction that stores
 * the run, so each tick starts at most one run across all processes. Misfire and overlap
 * policies decide whether a tick starts a run; either way the schedule moves on.
 */
export class ScheduleRunner {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private stopped = true;

  constructor(
    private readonly store: ScheduleStore,
    private readonly calendar: CronCalendar,
    private readonly executions: ExecutionRepository,
    private readonly guard: StartGuard,
    private readonly cancelLocal: (executionId: string) => Promise<boolean>,
    private readonly ids: IdGenerator,
    private readonly clock: Clock,
    private readonly auditor: Auditor,
    private readonly logger: Logger,
    private readonly wakeRunner: () => void,
    private readonly options: ScheduleRunnerOptions,
  ) {}

  start(): void {
    this.stopped = false;
    this.schedule();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    await this.running;
  }

  /** Fires every due tick as of `nowMs` (the clock's now by default); returns the runs started. */
  async tick(nowMs = this.clock.now()): Promise<number> {
    let started = 0;
    for (const schedule of await this.store.due(nowMs, 100)) {
      if (await this.fire(schedule, nowMs)) started += 1;
    }
    if (started > 0) this.wakeRunner();
    return started;
  }

  private schedule(): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.running = this.tick()
        .then(() => undefined)
        .catch((error: unknown) => {
          this.logger.warn({ err: error }, "firing schedules failed; retrying at the next poll");
        })
        .finally(() => {
          this.running = null;
          this.schedule();
        });
    }, this.options.pollMs);
    this.timer.unref();
  }

  private async fire(schedule: StoredSchedule, nowMs: number): Promise<boolean> {
    const dueMs = schedule.nextFireAtMs as number;
    const { config } = schedule;
    const late = nowMs - dueMs > this.options.misfireGraceMs;
    // After a misfire the schedule goes on from now; otherwise from the tick just due.
    const following = this.calendar.next(
      config.cronExpression,
      config.timezone,
      late ? nowMs : dueMs,
    );
    const skip = await this.skipReason(schedule, late);
    if (skip !== null) {
      this.logger.info(
        {
          workflow_id: schedule.workflowId,
          node_id: schedule.nodeId,
          tick: new Date(dueMs).toISOString(),
          skipped: skip,
        },
        "schedule tick skipped",
      );
      await this.store.advance(schedule, dueMs, following, null);
      return false;
    }
    const last = config.maxExecutions !== null && schedule.fireCount + 1 >= config.maxExecutions;
    const now = new Date(nowMs);
    const execution = newExecution({
      executionId: this.ids.next(),
      workflowId: schedule.workflowId,
      workflowVersion: schedule.workflowVersion,
      communityId: schedule.communityId,
      entityId: schedule.entityId,
      triggeredBy: scheduler.userId,
      trigger: {
        triggerNodeId: schedule.nodeId,
        triggerSource: "schedule",
        sessionId: "",
        platform: "",
        data: {
          schedule_id: `${schedule.workflowId}:${schedule.nodeId}`,
          scheduled_at: new Date(dueMs).toISOString(),
          fired_at: now.toISOString(),
          missed: late,
          cron_expression: config.cronExpression,
          timezone: config.timezone,
          execution_number: schedule.fireCount + 1,
        },
      },
      inputVariables: {},
      idempotencyKey: `schedule:${schedule.workflowId}:${schedule.nodeId}:${dueMs}`,
      createdAt: now,
    });
    const audit = this.auditor.successEvent(
      scheduler,
      "fire_schedule",
      {
        communityId: schedule.communityId,
        workflowId: schedule.workflowId,
        executionId: execution.executionId,
      },
      { node_id: schedule.nodeId, tick: new Date(dueMs).toISOString(), trigger_source: "schedule" },
    );
    const won = await this.store.advance(schedule, dueMs, last ? null : following, {
      execution,
      audit,
    });
    if (won) this.auditor.recorded(audit);
    return won;
  }

  /** Why this tick starts no run (null: it does); cancels the previous run when told to. */
  private async skipReason(schedule: StoredSchedule, late: boolean): Promise<string | null> {
    const { config } = schedule;
    if (late && config.misfirePolicy === "skip") return "misfire";
    if ((await this.guard.stopOf(schedule.communityId)) !== null) return "community_stopped";
    if (config.overlapPolicy === "allow" || schedule.lastExecutionId === null) return null;
    const previous = await this.executions.get(schedule.lastExecutionId, {
      nodeRuns: false,
      logs: false,
    });
    if (previous === null || isTerminalStatus(previous.status)) return null;
    if (config.overlapPolicy === "skip") return "previous_run_active";
    if (await this.executions.requestCancel(previous.executionId, new Date(this.clock.now()))) {
      await this.cancelLocal(previous.executionId);
    }
    return null;
  }
}
