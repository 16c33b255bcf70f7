import type { PaginationMeta } from "../../application/shared/paging.js";
import type { JsonObject } from "../../domain/json.js";

/** The quick reference's `meta.pagination`. */
export function paginationToJson(pagination: PaginationMeta): JsonObject {
  return {
    page: pagination.page,
    per_page: pagination.perPage,
    total: pagination.total,
    total_pages: pagination.totalPages,
    has_next: pagination.hasNext,
    has_prev: pagination.hasPrev,
  };
}
