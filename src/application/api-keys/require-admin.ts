import { DomainError } from "../../domain/errors.js";
import type { Principal } from "../../domain/permissions/principal.js";
import type { Auditor } from "../shared/audit.js";

/** API keys are managed by admins only; a denial is audited (AUTHZ, DENIED). */
export async function requireAdmin(
  principal: Principal,
  action: string,
  auditor: Auditor,
): Promise<void> {
  if (principal.admin) return;
  await auditor.denied(principal, action, { communityId: null });
  throw DomainError.permissionDenied(`${action} requires an admin API key`);
}
