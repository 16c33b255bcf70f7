import type { ScheduleInfo } from "../../../application/triggers/list-schedules.js";
import { toTimestamp } from "./proto-scalars.js";

export function scheduleToProto({ schedule, nextFireTimes }: ScheduleInfo) {
  const { config } = schedule;
  return {
    workflowId: schedule.workflowId,
    nodeId: schedule.nodeId,
    workflowVersion: schedule.workflowVersion,
    cronExpression: config.cronExpression,
    timezone: config.timezone,
    misfirePolicy: config.misfirePolicy,
    overlapPolicy: config.overlapPolicy,
    fireCount: schedule.fireCount,
    ...(config.maxExecutions === null ? {} : { maxExecutions: config.maxExecutions }),
    nextFireTimes: nextFireTimes.map(
      (t) => toTimestamp(t) as NonNullable<ReturnType<typeof toTimestamp>>,
    ),
    lastFireTime: toTimestamp(
      schedule.lastFireAtMs === null ? null : new Date(schedule.lastFireAtMs),
    ),
    lastExecutionId: schedule.lastExecutionId ?? "",
  };
}
