import type { Principal } from "../../domain/permissions/principal.js";
import type { CronCalendar } from "../../ports/cron-calendar.js";
import type { ScheduleStore, StoredSchedule } from "../../ports/schedule-store.js";
import { checkIds } from "../input-limits/input-check.js";
import type { WorkflowAccess } from "../workflows/workflow-access.js";

export interface ScheduleInfo {
  schedule: StoredSchedule;
  /** The next ticks (up to `count`), from the stored next one; empty once it has ended. */
  nextFireTimes: Date[];
}

/** The schedules of a workflow's published version with their next fire times (needs can_view). */
export class ListSchedules {
  constructor(
    private readonly store: ScheduleStore,
    private readonly calendar: CronCalendar,
    private readonly access: WorkflowAccess,
  ) {}

  async execute(principal: Principal, workflowId: string, count = 5): Promise<ScheduleInfo[]> {
    checkIds({ workflow_id: workflowId });
    await this.access.require(principal, workflowId, "can_view", "list_schedules");
    return this.of(workflowId, count);
  }

  /** Without the access check, for callers that made it (GetWorkflow). */
  async of(workflowId: string, count = 5): Promise<ScheduleInfo[]> {
    const schedules = await this.store.ofWorkflow(workflowId);
    return schedules.map((schedule) => {
      const times: Date[] = [];
      let at = schedule.nextFireAtMs;
      const { config } = schedule;
      const remaining =
        config.maxExecutions === null
          ? count
          : Math.min(count, config.maxExecutions - schedule.fireCount);
      while (at !== null && times.length < remaining) {
        times.push(new Date(at));
        at = this.calendar.next(config.cronExpression, config.timezone, at);
      }
      return { schedule, nextFireTimes: times };
    });
  }
}
