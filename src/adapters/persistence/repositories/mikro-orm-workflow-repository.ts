import { DomainError } from "../../../domain/errors.js";
import type { Workflow, WorkflowVersion } from "../../../domain/workflow/workflow.js";
import type {
  Page,
  WorkflowExecutionStats,
  WorkflowListFilter,
  WorkflowRepository,
} from "../../../ports/workflow-repository.js";
import {
  workflowExecutionStatsFromRow,
  workflowFromRow,
  workflowToEntity,
  workflowVersionFromRow,
  workflowVersionToEntity,
} from "../mappers/workflow-rows.js";
import type { PersistenceContext } from "../persistence-context.js";
import { WorkflowSchema } from "../schemas/workflow.schema.js";
import { WorkflowVersionSchema } from "../schemas/workflow-version.schema.js";
import { violatedConstraint } from "../sql/sql-errors.js";
import { inList } from "../sql/sql-fragments.js";
import { workflowListQuery } from "./workflow-list-query.js";

/** Workflows and their version history. Writes are ORM transactions; reads are plain SQL. */
export class MikroOrmWorkflowRepository implements WorkflowRepository {
  constructor(private readonly db: PersistenceContext) {}

  async create(workflow: Workflow, version: WorkflowVersion): Promise<void> {
    try {
      await this.db.fork().transactional(async (em) => {
        await em.insert(WorkflowSchema, workflowToEntity(workflow));
        await em.insert(WorkflowVersionSchema, workflowVersionToEntity(version));
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
    const rows = await this.db.sql.all("select * from workflows where workflow_id = ?", [
      workflowId,
    ]);
    return rows[0] === undefined ? null : workflowFromRow(rows[0], this.db.values);
  }

  async getVersion(workflowId: string, version: number): Promise<WorkflowVersion | null> {
    const rows = await this.db.sql.all(
      "select * from workflow_versions where workflow_id = ? and version = ?",
      [workflowId, version],
    );
    return rows[0] === undefined ? null : workflowVersionFromRow(rows[0], this.db.values);
  }

  async save(
    workflow: Workflow,
    expectedVersion: number,
    newVersion?: WorkflowVersion,
  ): Promise<void> {
    const { workflowId, ...fields } = workflowToEntity(workflow);
    try {
      await this.db.fork().transactional(async (em) => {
        const changed = await em.nativeUpdate(
          WorkflowSchema,
          { workflowId, version: expectedVersion },
          fields,
        );
        if (changed === 0) {
          const exists = (await em.count(WorkflowSchema, { workflowId })) > 0;
          if (!exists) throw DomainError.workflowNotFound(workflowId);
          throw conflict(workflowId, expectedVersion);
        }
        if (newVersion !== undefined) {
          await em.insert(WorkflowVersionSchema, workflowVersionToEntity(newVersion));
        }
      });
    } catch (error) {
      if (violatedConstraint(error) === "unique")
        throw conflict(workflowId, expectedVersion, error);
      throw error;
    }
  }

  async list(filter: WorkflowListFilter, page: number, perPage: number): Promise<Page<Workflow>> {
    const { where, params } = workflowListQuery(this.db.dialect, filter);
    const [rows, counts] = await Promise.all([
      this.db.sql.all(
        `select w.* from workflows w where ${where} order by w.updated_at desc, w.workflow_id limit ? offset ?`,
        [...params, perPage, (page - 1) * perPage],
      ),
      this.db.sql.all(`select count(*) as total from workflows w where ${where}`, params),
    ]);
    return {
      items: rows.map((row) => workflowFromRow(row, this.db.values)),
      total: Number(counts[0]?.total ?? 0),
    };
  }

  /**
   * One grouped query over workflow_executions, answered from each workflow's range of the
   * (workflow_id, created_at desc, execution_id desc, status) index alone: the table rows are
   * not read, but the cost still grows with the number of executions listed.
   */
  async executionStats(
    workflowIds: readonly string[],
  ): Promise<Map<string, WorkflowExecutionStats>> {
    const stats = new Map<string, WorkflowExecutionStats>();
    if (workflowIds.length === 0) return stats;
    const rows = await this.db.sql.all(
      `select workflow_id, count(*) as execution_count,
              sum(case when status = 'completed' then 1 else 0 end) as success_count,
              sum(case when status = 'failed' then 1 else 0 end) as failure_count,
              max(created_at) as last_executed_at
       from workflow_executions
       where ${inList(this.db.dialect, "workflow_id")}
       group by workflow_id`,
      [[...workflowIds]],
    );
    for (const row of rows) {
      stats.set(String(row.workflow_id), workflowExecutionStatsFromRow(row, this.db.values));
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
