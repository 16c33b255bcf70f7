import type { Principal } from "../../domain/permissions/principal.js";
import type { Workflow, WorkflowStatus } from "../../domain/workflow/workflow.js";
import type {
  WorkflowExecutionStats,
  WorkflowRepository,
} from "../../ports/workflow-repository.js";
import { type Disclosed, Disclosure } from "../access/disclosure.js";
import { InputCheck } from "../input-limits/input-check.js";
import { inputLimits } from "../input-limits/input-limits.js";
import { normalizePage, type PaginationMeta, paginationMeta } from "../shared/paging.js";

interface ListWorkflowsInput {
  /** One community's workflows; absent (or 0, the RPC's unset value): every community. */
  communityId?: number;
  entityId?: number;
  status?: WorkflowStatus;
  search?: string;
  page?: number;
  perPage?: number;
}

/** A listed workflow with what its stored executions add up to. */
export type WorkflowListItem = Disclosed<Workflow> & { executionStats: WorkflowExecutionStats };

interface WorkflowList {
  workflows: WorkflowListItem[];
  pagination: PaginationMeta;
}

const noExecutions: WorkflowExecutionStats = {
  executionCount: 0,
  successCount: 0,
  failureCount: 0,
  lastExecutedAt: null,
};

/**
 * Workflows the caller can view, most recently updated first: of one community, or of every
 * community (admins see all; others what they own or were granted can_view, the same rules as
 * GetWorkflow). Each carries its execution statistics, read for the whole page at once.
 */
export class ListWorkflows {
  constructor(private readonly workflows: WorkflowRepository) {}

  async execute(principal: Principal, input: ListWorkflowsInput): Promise<WorkflowList> {
    const communityId = input.communityId === 0 ? undefined : input.communityId;
    const check = new InputCheck();
    if (communityId !== undefined && (!Number.isSafeInteger(communityId) || communityId < 0)) {
      check.add("community_id", "community_id must be a positive integer");
    }
    if (
      input.entityId !== undefined &&
      (!Number.isSafeInteger(input.entityId) || input.entityId < 0)
    ) {
      check.add("entity_id", "entity_id must be an integer of at least 0");
    }
    const search = input.search?.trim();
    if (search !== undefined) check.text(search, "search", inputLimits.text.search);
    check.throwIfAny("invalid workflow filter");
    const paging = normalizePage(input.page, input.perPage);
    const result = await this.workflows.list(
      {
        viewer: principal,
        ...(communityId === undefined ? {} : { communityId }),
        ...(input.entityId === undefined ? {} : { entityId: input.entityId }),
        ...(input.status === undefined ? {} : { status: input.status }),
        ...(search ? { search } : {}),
      },
      paging.page,
      paging.perPage,
    );
    const stats = await this.workflows.executionStats(result.items.map((w) => w.workflowId));
    return {
      // The listing holds only workflows the caller can view (the same rules, in the query).
      workflows: result.items.map((workflow) => ({
        ...Disclosure.toViewer.workflow(workflow),
        executionStats: stats.get(workflow.workflowId) ?? { ...noExecutions },
      })),
      pagination: paginationMeta(paging, result.total),
    };
  }
}
