import type { Execution } from "../../../domain/execution/execution.js";
import type { AuditEvent } from "../../../ports/audit-log.js";
import type { ScheduleStore, StoredSchedule } from "../../../ports/schedule-store.js";
import type { SqlDatabase } from "../database/sql-database.js";
import type { Row } from "../entities/index.js";
import { auditEventToRow } from "../mappers/audit-event-rows.js";
import { executionToRow } from "../mappers/execution-rows.js";
import { insertAuditEvent, insertExecution } from "../statements/execution-statements.js";
import {
  advanceSchedule,
  dueSchedules,
  schedulesOfWorkflow,
} from "../statements/schedule-statements.js";

function scheduleFromRow(row: Row<"trigger_schedules">): StoredSchedule {
  return {
    workflowId: row.workflow_id,
    nodeId: row.node_id,
    communityId: row.community_id,
    entityId: row.entity_id,
    workflowVersion: row.workflow_version,
    config: row.config,
    nextFireAtMs: row.next_fire_at === null ? null : Number(row.next_fire_at),
    fireCount: row.fire_count,
    lastFireAtMs: row.last_fire_at === null ? null : Number(row.last_fire_at),
    lastExecutionId: row.last_execution_id,
  };
}

export class SqlScheduleStore implements ScheduleStore {
  constructor(private readonly db: SqlDatabase) {}

  async due(nowMs: number, limit: number): Promise<StoredSchedule[]> {
    const { rows } = await this.db.run(dueSchedules, { nowMs, limit });
    return rows.map(scheduleFromRow);
  }

  async ofWorkflow(workflowId: string): Promise<StoredSchedule[]> {
    const { rows } = await this.db.run(schedulesOfWorkflow, { workflowId });
    return rows.map(scheduleFromRow);
  }

  advance(
    schedule: StoredSchedule,
    dueMs: number,
    nextMs: number | null,
    run: { execution: Execution; audit: AuditEvent } | null,
  ): Promise<boolean> {
    return this.db.atomic(async (tx) => {
      // The compare-and-set first: a lost tick changes nothing and needs no rollback.
      const { rows } = await this.db.run(
        advanceSchedule,
        {
          workflowId: schedule.workflowId,
          nodeId: schedule.nodeId,
          dueMs,
          nextMs,
          fired: run === null ? 0 : 1,
          executionId: run?.execution.executionId ?? null,
        },
        tx,
      );
      if (rows.length === 0) return false;
      if (run !== null) {
        await this.db.run(insertExecution, executionToRow(run.execution), tx);
        await this.db.run(insertAuditEvent, auditEventToRow(run.audit), tx);
      }
      return true;
    });
  }
}
