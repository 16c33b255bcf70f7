import type { AuditEvent } from "./audit-log.js";

export interface CommunityStop {
  communityId: number;
  stoppedAt: Date;
  stoppedBy: string;
  reason: string;
}

/** The community stop switch, shared by every process through the database. */
export interface CommunityStops {
  get(communityId: number): Promise<CommunityStop | null>;
  /** Stops (or re-stops, keeping the first stop) a community, with its audit event. */
  stop(stop: CommunityStop, audit: AuditEvent): Promise<CommunityStop>;
  /** Lifts a stop with its audit event; false when the community was not stopped. */
  lift(communityId: number, audit: AuditEvent): Promise<boolean>;
  /** Ids of the community's executions that are pending, running or paused. */
  unfinishedExecutions(communityId: number): Promise<string[]>;
}
