import { DomainError } from "../../../domain/errors.js";
import type { TriggerPlan } from "../../../domain/triggers/trigger-rule.js";
import type { Workflow, WorkflowVersion } from "../../../domain/workflow/workflow.js";
import type {
  Page,
  WorkflowExecutionStats,
  WorkflowListFilter,
  WorkflowRepository,
} from "../../../ports/workflow-repository.js";
import type { SqlDatabase } from "../database/sql-database.js";
import { violatedConstraint } from "../database/sql-errors.js";
import {
  workflowFromRow,
  workflowToRow,
  workflowVersionFromRow,
  workflowVersionToRow,
} from "../mappers/workflow-rows.js";
import {
  executionStatsOf,
  insertWorkflow,
  insertWorkflowVersion,
  updateWorkflowAtVersion,
  workflowById,
  workflowVersion,
} from "../statements/workflow-statements.js";
import { replaceTriggers } from "./trigger-index-writes.js";
import { listWorkflows } from "./workflow-list-query.js";

/** Workflows and their version history; a save is a compare-and-set on the version. */
export class SqlWorkflowRepository implements WorkflowRepository {
  constructor(private readonly db: SqlDatabase) {}

  async create(workflow: Workflow, version: WorkflowVersion): Promise<void> {
    try {
      await this.db.atomic(async (tx) => {
        await this.db.run(insertWorkflow, workflowToRow(workflow), tx);
        await this.db.run(insertWorkflowVersion, workflowVersionToRow(version), tx);
      });
    } catch (error) {
      if (violatedConstraint(error) !== "unique") throw error;
      throw new DomainError(
        "already_exists",
        "ALREADY_EXISTS",
        `workflow ${workflow.workflowId} already exists`,
        { metadata: { workflow_id: workflow.workflowId }, cause: error },
      );
    }
  }

  async get(workflowId: string): Promise<Workflow | null> {
    const { rows } = await this.db.run(workflowById, { workflowId });
    return rows[0] === undefined ? null : workflowFromRow(rows[0]);
  }

  async getVersion(workflowId: string, version: number): Promise<WorkflowVersion | null> {
    const { rows } = await this.db.run(workflowVersion, { workflowId, version });
    return rows[0] === undefined ? null : workflowVersionFromRow(rows[0]);
  }

  async save(
    workflow: Workflow,
    expectedVersion: number,
    newVersion?: WorkflowVersion,
    triggers?: TriggerPlan,
  ): Promise<void> {
    const { workflowId } = workflow;
    try {
      await this.db.atomic(async (tx) => {
        const { changed } = await this.db.run(
          updateWorkflowAtVersion,
          { ...workflowToRow(workflow), expected_version: expectedVersion },
          tx,
        );
        if (changed === 0) {
          const { rows } = await this.db.run(workflowById, { workflowId }, tx);
          if (rows.length === 0) throw DomainError.workflowNotFound(workflowId);
          throw conflict(workflowId, expectedVersion);
        }
        if (newVersion !== undefined) {
          await this.db.run(insertWorkflowVersion, workflowVersionToRow(newVersion), tx);
        }
        if (triggers !== undefined) await replaceTriggers(this.db, tx, workflowId, triggers);
      });
    } catch (error) {
      if (violatedConstraint(error) === "unique") {
        throw conflict(workflowId, expectedVersion, error);
      }
      throw error;
    }
  }

  list(filter: WorkflowListFilter, page: number, perPage: number): Promise<Page<Workflow>> {
    return listWorkflows(this.db, filter, page, perPage);
  }

  async executionStats(
    workflowIds: readonly string[],
  ): Promise<Map<string, WorkflowExecutionStats>> {
    const stats = new Map<string, WorkflowExecutionStats>();
    if (workflowIds.length === 0) return stats;
    const { rows } = await this.db.run(executionStatsOf, { workflowIds });
    for (const row of rows) {
      const last = this.db.values.decode("datetime", row.last_executed_at) as Date | null;
      stats.set(row.workflow_id, {
        executionCount: Number(row.execution_count),
        successCount: Number(row.success_count ?? 0),
        failureCount: Number(row.failure_count ?? 0),
        lastExecutedAt: last,
      });
    }
    return stats;
  }
}

function conflict(workflowId: string, expectedVersion: number, cause?: unknown): DomainError {
  return new DomainError(
    "conflict",
    "CONFLICT",
    `workflow ${workflowId} was changed by someone else (expected version ${expectedVersion})`,
    {
      metadata: { workflow_id: workflowId, expected_version: String(expectedVersion) },
      ...(cause === undefined ? {} : { cause }),
    },
  );
}
