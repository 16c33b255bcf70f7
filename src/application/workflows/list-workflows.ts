import { DomainError } from "../../domain/errors.js";
import type { Principal } from "../../domain/permissions/principal.js";
import type { Workflow, WorkflowStatus } from "../../domain/workflow/workflow.js";
import type { WorkflowRepository } from "../../ports/workflow-repository.js";
import { normalizePage, type PaginationMeta, paginationMeta } from "../shared/paging.js";

export interface ListWorkflowsInput {
  communityId: number;
  entityId?: number;
  status?: WorkflowStatus;
  search?: string;
  page?: number;
  perPage?: number;
}

export interface WorkflowList {
  workflows: Workflow[];
  pagination: PaginationMeta;
}

/** Workflows of one community that the caller can view, most recently updated first. */
export class ListWorkflows {
  constructor(private readonly workflows: WorkflowRepository) {}

  async execute(principal: Principal, input: ListWorkflowsInput): Promise<WorkflowList> {
    if (!Number.isSafeInteger(input.communityId) || input.communityId <= 0) {
      throw DomainError.badRequest("community_id is required", [
        { field: "community_id", description: "community_id is required" },
      ]);
    }
    const paging = normalizePage(input.page, input.perPage);
    const search = input.search?.trim();
    const result = await this.workflows.list(
      {
        communityId: input.communityId,
        viewer: principal,
        ...(input.entityId === undefined ? {} : { entityId: input.entityId }),
        ...(input.status === undefined ? {} : { status: input.status }),
        ...(search ? { search } : {}),
      },
      paging.page,
      paging.perPage,
    );
    return { workflows: result.items, pagination: paginationMeta(paging, result.total) };
  }
}
