import { DomainError } from "../../domain/errors.js";
import type { Execution } from "../../domain/execution/execution.js";
import type { ExecutionStatus } from "../../domain/execution/execution-status.js";
import type { Principal } from "../../domain/permissions/principal.js";
import type { ExecutionRepository, ExecutionSort } from "../../ports/execution-repository.js";
import type { Disclosed } from "../access/disclosure.js";
import { InputCheck } from "../input-limits/input-check.js";
import { inputLimits } from "../input-limits/input-limits.js";
import { normalizePage, type PaginationMeta, paginationMeta } from "../shared/paging.js";
import type { WorkflowAccess } from "../workflows/workflow-access.js";

interface ListExecutionsInput {
  workflowId: string;
  communityId?: number;
  statuses: ExecutionStatus[];
  createdAfter?: Date;
  createdBefore?: Date;
  page?: number;
  perPage?: number;
  /** Cursor paging (no COUNT): "" starts at the newest, a token continues. Excludes page and sort. */
  pageToken?: string;
  /** Offset paging only; newest first when absent. */
  sort?: ExecutionSort;
}

interface ExecutionList {
  executions: Disclosed<Execution>[];
  /** Offset paging only. */
  pagination: PaginationMeta | null;
  nextPageToken: string | null;
}

/** Execution history of one workflow, newest first. Needs can_view. */
export class ListExecutions {
  constructor(
    private readonly executions: ExecutionRepository,
    private readonly access: WorkflowAccess,
  ) {}

  async execute(principal: Principal, input: ListExecutionsInput): Promise<ExecutionList> {
    const check = new InputCheck();
    check.id(input.workflowId, "workflow_id");
    check.instant(input.createdAfter, "created_after");
    check.instant(input.createdBefore, "created_before");
    if (input.pageToken !== undefined) {
      check.text(input.pageToken, "page_token", inputLimits.text.pageToken);
    }
    check.throwIfAny("invalid execution filter");
    if (input.pageToken !== undefined && (input.page !== undefined || input.sort !== undefined)) {
      throw DomainError.badRequest("page_token cannot be combined with page or a sort order", [
        {
          field: "page_token",
          description: "cursor paging is newest first and has no page number",
        },
      ]);
    }
    const paging = normalizePage(input.page, input.perPage);
    const { workflow, show } = await this.access.require(
      principal,
      input.workflowId,
      "can_view",
      "list_executions",
    );
    if (input.communityId !== undefined && input.communityId !== workflow.communityId) {
      throw DomainError.workflowNotFound(input.workflowId);
    }
    const filter = {
      workflowId: input.workflowId,
      ...(input.statuses.length > 0 ? { statuses: input.statuses } : {}),
      ...(input.createdAfter ? { createdAfter: input.createdAfter } : {}),
      ...(input.createdBefore ? { createdBefore: input.createdBefore } : {}),
    };
    if (input.pageToken !== undefined) {
      const result = await this.executions.list(filter, {
        kind: "cursor",
        cursor: input.pageToken === "" ? null : input.pageToken,
        perPage: paging.perPage,
      });
      return {
        executions: result.items.map((e) => show.execution(e)),
        pagination: null,
        nextPageToken: result.nextCursor,
      };
    }
    const result = await this.executions.list(filter, {
      kind: "offset",
      ...paging,
      ...(input.sort ? { sort: input.sort } : {}),
    });
    return {
      executions: result.items.map((e) => show.execution(e)),
      pagination: paginationMeta(paging, result.total ?? 0),
      nextPageToken: result.nextCursor,
    };
  }
}
