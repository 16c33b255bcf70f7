import type { WorkflowListFilter } from "../../../ports/workflow-repository.js";
import type { Dialect } from "../dialect.js";
import type { SqlParam } from "../sql/sql-client.js";
import { containsPattern, containsText, inList } from "../sql/sql-fragments.js";

interface WorkflowListQuery {
  where: string;
  params: SqlParam[];
}

/**
 * The WHERE clause of a workflow listing, visibility included, so paging and totals are done by
 * the database. A viewer sees a workflow when they are an admin or its owner, or when a grant
 * with can_view names their user id, one of their roles, or the workflow's own community while
 * they belong to it (the rules of effectivePermissions). Without `filter.communityId` the
 * listing spans every community, and a community grant counts where it names the workflow's
 * community and the viewer is a member of it.
 */
export function workflowListQuery(dialect: Dialect, filter: WorkflowListFilter): WorkflowListQuery {
  const conditions: string[] = [];
  const params: SqlParam[] = [];
  if (filter.communityId !== undefined) {
    conditions.push("w.community_id = ?");
    params.push(filter.communityId);
  }
  if (filter.entityId !== undefined) {
    conditions.push("w.entity_id = ?");
    params.push(filter.entityId);
  }
  if (filter.status !== undefined) {
    conditions.push("w.status = ?");
    params.push(filter.status);
  }
  if (filter.search !== undefined && filter.search !== "") {
    const pattern = containsPattern(filter.search);
    conditions.push(
      `(${containsText(dialect, "w.name")} or ${containsText(dialect, "w.description")})`,
    );
    params.push(pattern, pattern);
  }
  const viewer = filter.viewer;
  if (!viewer.admin) {
    const targets = ["(p.target_type = 'user' and p.target_id = ?)"];
    const targetParams: SqlParam[] = [viewer.userId];
    if (viewer.roles.length > 0) {
      targets.push(`(p.target_type = 'role' and ${inList(dialect, "p.target_id")})`);
      targetParams.push(viewer.roles);
    }
    if (filter.communityId !== undefined) {
      // Every listed workflow is of this community.
      if (viewer.communityIds.includes(filter.communityId)) {
        targets.push("(p.target_type = 'community' and p.target_id = ?)");
        targetParams.push(String(filter.communityId));
      }
    } else if (viewer.communityIds.length > 0) {
      // The grant must name the workflow's own community, and the viewer must belong to it.
      targets.push(
        `(p.target_type = 'community' and p.target_id = cast(w.community_id as text) and ${inList(dialect, "p.target_id")})`,
      );
      targetParams.push(viewer.communityIds.map(String));
    }
    conditions.push(
      `(w.owner_user_id = ? or exists (select 1 from workflow_permissions p where p.workflow_id = w.workflow_id and p.can_view = true and (${targets.join(" or ")})))`,
    );
    params.push(viewer.userId, ...targetParams);
  }
  return { where: conditions.length === 0 ? "1 = 1" : conditions.join(" and "), params };
}
