import { DomainError } from "../../domain/errors.js";

const defaultPerPage = 20;
const maxPerPage = 100;

interface PageRequest {
  page: number;
  perPage: number;
}

/** Applies the quick reference's defaults (page 1, per_page 20) and bounds (per_page 1..100). */
export function normalizePage(page: number | undefined, perPage: number | undefined): PageRequest {
  const p = page === undefined || page === 0 ? 1 : page;
  const pp = perPage === undefined || perPage === 0 ? defaultPerPage : perPage;
  const violations = [];
  if (!Number.isInteger(p) || p < 1) {
    violations.push({ field: "page", description: "page must be an integer of at least 1" });
  }
  if (!Number.isInteger(pp) || pp < 1 || pp > maxPerPage) {
    violations.push({
      field: "per_page",
      description: `per_page must be between 1 and ${maxPerPage}`,
    });
  }
  if (violations.length > 0) throw DomainError.badRequest("invalid pagination", violations);
  return { page: p, perPage: pp };
}

export interface PaginationMeta {
  page: number;
  perPage: number;
  total: number;
  totalPages: number;
  hasNext: boolean;
  hasPrev: boolean;
}

export function paginationMeta(request: PageRequest, total: number): PaginationMeta {
  const totalPages = Math.ceil(total / request.perPage);
  return {
    page: request.page,
    perPage: request.perPage,
    total,
    totalPages,
    hasNext: request.page < totalPages,
    hasPrev: request.page > 1,
  };
}
