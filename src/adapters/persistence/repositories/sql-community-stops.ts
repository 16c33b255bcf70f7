import type { AuditEvent } from "../../../ports/audit-log.js";
import type { CommunityStop, CommunityStops } from "../../../ports/community-stops.js";
import type { SqlDatabase } from "../database/sql-database.js";
import { auditEventToRow } from "../mappers/audit-event-rows.js";
import {
  communityStop,
  deleteCommunityStop,
  insertCommunityStop,
  unfinishedOfCommunity,
} from "../statements/community-stop-statements.js";
import { insertAuditEvent } from "../statements/execution-statements.js";
import { activeStatuses } from "../statements/trigger-limit-statements.js";

export class SqlCommunityStops implements CommunityStops {
  constructor(private readonly db: SqlDatabase) {}

  async get(communityId: number): Promise<CommunityStop | null> {
    const { rows } = await this.db.run(communityStop, { communityId });
    const row = rows[0];
    return row === undefined
      ? null
      : {
          communityId: row.community_id,
          stoppedAt: row.stopped_at,
          stoppedBy: row.stopped_by,
          reason: row.reason,
        };
  }

  async stop(stop: CommunityStop, audit: AuditEvent): Promise<CommunityStop> {
    await this.db.atomic(async (tx) => {
      await this.db.run(
        insertCommunityStop,
        {
          community_id: stop.communityId,
          stopped_at: stop.stoppedAt,
          stopped_by: stop.stoppedBy,
          reason: stop.reason,
        },
        tx,
      );
      await this.db.run(insertAuditEvent, auditEventToRow(audit), tx);
    });
    return (await this.get(stop.communityId)) ?? stop;
  }

  async lift(communityId: number, audit: AuditEvent): Promise<boolean> {
    return this.db.atomic(async (tx) => {
      const { rows } = await this.db.run(deleteCommunityStop, { communityId }, tx);
      if (rows.length === 0) return false;
      await this.db.run(insertAuditEvent, auditEventToRow(audit), tx);
      return true;
    });
  }

  async unfinishedExecutions(communityId: number): Promise<string[]> {
    const { rows } = await this.db.run(unfinishedOfCommunity, {
      communityId,
      statuses: activeStatuses,
    });
    return rows.map((row) => row.execution_id);
  }
}
