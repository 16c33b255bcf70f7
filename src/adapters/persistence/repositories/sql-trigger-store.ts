import { DomainError } from "../../../domain/errors.js";
import type { JsonValue } from "../../../domain/json.js";
import type { TriggerRule } from "../../../domain/triggers/trigger-rule.js";
import type {
  Admission,
  AdmissionRequest,
  DispatchLog,
  EventClaim,
  TriggerAdmission,
  TriggerIndex,
} from "../../../ports/trigger-store.js";
import type { SqlDatabase } from "../database/sql-database.js";
import { violatedConstraint } from "../database/sql-errors.js";
import type { QueryRunner } from "../database/statement.js";
import { auditEventToRow } from "../mappers/audit-event-rows.js";
import { executionToRow } from "../mappers/execution-rows.js";
import {
  claimEvent,
  dispatchedEvent,
  forgetEvent,
  pruneEvents,
  recordOutcomes,
} from "../statements/dispatched-event-statements.js";
import { insertAuditEvent, insertExecution } from "../statements/execution-statements.js";
import { rulesForKeywords, rulesOfWorkflow } from "../statements/trigger-index-statements.js";
import {
  activeSlots,
  activeStatuses,
  cooldownEnd,
  insertRunSlot,
  lockLimitKey,
  releaseFinishedSlots,
  takeCooldown,
  takeRate,
} from "../statements/trigger-limit-statements.js";

/** A check refused after earlier statements of the unit wrote: the unit must be undone. */
class Refused extends Error {
  constructor(readonly admission: Admission) {
    super(admission.kind);
  }
}

/** The trigger index, atomic admissions and the dispatched-event log, on one database. */
export class SqlTriggerStore implements TriggerIndex, TriggerAdmission, DispatchLog {
  constructor(private readonly db: SqlDatabase) {}

  async rulesFor(
    communityId: number,
    eventType: string,
    keywords: readonly string[],
  ): Promise<TriggerRule[]> {
    const { rows } = await this.db.run(rulesForKeywords, { communityId, eventType, keywords });
    return rows.map((row) => row.rule);
  }

  async rulesOfWorkflow(workflowId: string): Promise<TriggerRule[]> {
    const { rows } = await this.db.run(rulesOfWorkflow, { workflowId });
    const byNode = new Map<string, TriggerRule>();
    for (const row of rows) byNode.set(row.node_id, row.rule);
    return [...byNode.values()];
  }

  async admit(request: AdmissionRequest): Promise<Admission> {
    try {
      return await this.db.atomic((tx) => this.admitIn(tx, request));
    } catch (error) {
      if (error instanceof Refused) return error.admission;
      const violated = violatedConstraint(error);
      if (violated === "foreign_key") {
        throw DomainError.workflowNotFound(request.execution.workflowId);
      }
      if (violated === "unique") {
        throw new DomainError("already_exists", "ALREADY_EXISTS", "the run was already started", {
          metadata: { execution_id: request.execution.executionId },
          cause: error,
        });
      }
      throw error;
    }
  }

  private async admitIn(tx: QueryRunner, request: AdmissionRequest): Promise<Admission> {
    const { nowMs, execution } = request;
    let wrote = false;
    // Nothing written yet: the refusal can simply return (no rollback, no group redo).
    const refuse = (admission: Admission): Admission => {
      if (wrote) throw new Refused(admission);
      return admission;
    };
    let slotKey: string | null = null;
    for (const check of request.checks) {
      if (check.kind === "rate") {
        const windowStartMs = nowMs - (nowMs % check.windowMs);
        const { rows } = await this.db.run(
          takeRate,
          { key: check.key, windowStartMs, max: check.max },
          tx,
        );
        if (rows.length === 0) {
          return refuse({
            kind: "limited",
            scope: "community",
            retryAfterMs: windowStartMs + check.windowMs - nowMs,
          });
        }
      } else if (check.kind === "concurrency") {
        await this.db.run(lockLimitKey, { key: check.key }, tx);
        wrote = true;
        await this.db.run(releaseFinishedSlots, { key: check.key, statuses: activeStatuses }, tx);
        const { rows } = await this.db.run(
          activeSlots,
          { key: check.key, statuses: activeStatuses },
          tx,
        );
        if (Number(rows[0]?.active ?? 0) >= check.max) {
          return refuse({ kind: "limited", scope: "concurrency", retryAfterMs: 0 });
        }
        slotKey = check.key;
      } else {
        const { rows } = await this.db.run(
          takeCooldown,
          { key: check.key, nowMs, untilMs: nowMs + check.durationMs },
          tx,
        );
        if (rows.length === 0) {
          const end = await this.db.run(cooldownEnd, { key: check.key }, tx);
          const untilMs = Number(end.rows[0]?.until_ms ?? nowMs);
          return refuse({
            kind: "cooldown",
            scope: check.scope,
            remainingMs: Math.max(1, untilMs - nowMs),
          });
        }
      }
      wrote = true;
    }
    await this.db.run(insertExecution, executionToRow(execution), tx);
    await this.db.run(insertAuditEvent, auditEventToRow(request.audit), tx);
    if (slotKey !== null) {
      await this.db.run(insertRunSlot, { executionId: execution.executionId, key: slotKey }, tx);
    }
    return { kind: "started" };
  }

  async claim(communityId: number, eventId: string, at: Date): Promise<EventClaim> {
    const { rows } = await this.db.runWrite(claimEvent, { communityId, eventId, createdAt: at });
    if (rows.length > 0) return { kind: "first" };
    const seen = await this.db.run(dispatchedEvent, { communityId, eventId });
    const row = seen.rows[0];
    return { kind: "seen", outcomes: row?.outcomes ?? null, createdAt: row?.created_at ?? at };
  }

  async record(communityId: number, eventId: string, outcomes: JsonValue): Promise<void> {
    await this.db.runWrite(recordOutcomes, { communityId, eventId, outcomes });
  }

  async forget(communityId: number, eventId: string): Promise<void> {
    await this.db.runWrite(forgetEvent, { communityId, eventId });
  }

  async prune(before: Date): Promise<void> {
    await this.db.runWrite(pruneEvents, { before });
  }
}
