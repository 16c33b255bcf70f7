import type { PermissionGrant } from "../domain/permissions/permission.js";
import type { Principal } from "../domain/permissions/principal.js";

/** What decides a principal's access to a workflow or to something of it (an execution). */
export interface AccessFacts {
  /** The workflow the object belongs to; null when the object does not exist. */
  workflow: { workflowId: string; ownerUserId: string; communityId: number } | null;
  /** The workflow's grants that name the principal's user id, one of its roles or communities. */
  grants: PermissionGrant[];
}

/**
 * Reads access facts in one statement per question, whether the object exists or not, so
 * asking for a missing object costs what asking for an invisible one costs.
 */
export interface AccessRepository {
  ofWorkflow(workflowId: string, principal: Principal): Promise<AccessFacts>;
  ofExecution(executionId: string, principal: Principal): Promise<AccessFacts>;
}
