import type { Principal } from "../domain/permissions/principal.js";
import type { Workflow, WorkflowStatus, WorkflowVersion } from "../domain/workflow/workflow.js";

export interface WorkflowListFilter {
  communityId: number;
  entityId?: number;
  status?: WorkflowStatus;
  /** Case-insensitive substring of name or description. */
  search?: string;
  /** Only workflows this principal can view (owner, admin, or a grant with can_view). */
  viewer: Principal;
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
   */
  save(workflow: Workflow, expectedVersion: number, newVersion?: WorkflowVersion): Promise<void>;
  /** Ordered by updatedAt descending, then workflowId. */
  list(filter: WorkflowListFilter, page: number, perPage: number): Promise<Page<Workflow>>;
}
