import { InputCheck } from "../input-limits/input-check.js";
import { inputLimits } from "../input-limits/input-limits.js";

const defaultPerPage = 20;

interface PageRequest {
  page: number;
  perPage: number;
}

/**
 * Applies the quick reference's defaults (page 1, per_page 20) and bounds (per_page 1..100,
 * page up to the int32 maximum, as in the RPC contract).
 */
export function normalizePage(page: number | undefined, perPage: number | undefined): PageRequest {
  const p = page === undefined || page === 0 ? 1 : page;
  const pp = perPage === undefined || perPage === 0 ? defaultPerPage : perPage;
  const maxPerPage = inputLimits.list.perPage;
  const check = new InputCheck();
  check.int32(p, "page", 1);
  if (!Number.isInteger(pp) || pp < 1 || pp > maxPerPage) {
    check.add("per_page", `per_page must be between 1 and ${maxPerPage}`);
  }
  check.throwIfAny("invalid pagination");
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
