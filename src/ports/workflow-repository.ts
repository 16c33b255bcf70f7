import type { Principal } from "../domain/permissions/principal.js";
import type { TriggerPlan } from "../domain/triggers/trigger-rule.js";
import type { Workflow, WorkflowStatus, WorkflowVersion } from "../domain/workflow/workflow.js";

export interface WorkflowListFilter {
  /** Only this community's workflows; absent: every community (visibility still applies). */
  communityId?: number;
  entityId?: number;
  status?: WorkflowStatus;
  /** Case-insensitive substring of name or description. */
  search?: string;
  /** Only workflows this principal can view (owner, admin, or a grant with can_view). */
  viewer: Principal;
}

/** What a workflow's stored executions add up to (the original module's counters). */
export interface WorkflowExecutionStats {
  /** Every stored execution, whatever its status. */
  executionCount: number;
  /** Executions that completed. */
  successCount: number;
  /** Executions that failed. */
  failureCount: number;
  /** When the most recent execution was created (accepted); null without executions. */
  lastExecutedAt: Date | null;
}

export interface Page<T> {
  items: T[];
  total: number;
}

export interface WorkflowRepository {
  /** Stores a new workflow and its first version. */
  create(workflow: Workflow, version: WorkflowVersion): Promise<void>;
  get(workflowId: string): Promise<Workflow | null>;
  getVersion(workflowId: string, version: number): Promise<WorkflowVersion | null>;
  /**
   * Saves `workflow` if the stored version still equals `expectedVersion`, else throws a
   * DomainError of kind "conflict". `newVersion`, when given, is kept in the history.
   * `triggers`, when given, replace the workflow's trigger index rows and webhooks in the same
   * transaction (publish: the published version's; archive: none). A webhook node that stays
   * keeps its hook id and secrets.
   */
  save(
    workflow: Workflow,
    expectedVersion: number,
    newVersion?: WorkflowVersion,
    triggers?: TriggerPlan,
  ): Promise<void>;
  /** Ordered by updatedAt descending, then workflowId. */
  list(filter: WorkflowListFilter, page: number, perPage: number): Promise<Page<Workflow>>;
  /**
   * Execution statistics of the given workflows, in one aggregate query; a workflow without
   * executions is absent from the map.
   */
  executionStats(workflowIds: readonly string[]): Promise<Map<string, WorkflowExecutionStats>>;
}
