import type { Workflow } from "../../../domain/workflow/workflow.js";
import type { Page, WorkflowListFilter } from "../../../ports/workflow-repository.js";
import type { SqlDatabase } from "../database/sql-database.js";
import { containsPattern, containsText, inList } from "../database/sql-fragments.js";
import { Statement, type StatementContext } from "../database/statement.js";
import type { Row } from "../entities/index.js";
import { workflowFromRow } from "../mappers/workflow-rows.js";

interface ListParams {
  communityId: number | undefined;
  entityId: number | undefined;
  status: string | undefined;
  pattern: string | undefined;
  userId: string;
  roles: readonly string[];
  memberOf: string | undefined;
  communities: readonly string[];
  limit: number;
  offset: number;
}

/**
 * The workflows of a listing, visibility included, so paging and totals are done by the
 * database. A viewer sees a workflow when they are an admin or its owner, or when a grant with
 * can_view names their user id, one of their roles, or the workflow's own community while they
 * belong to it (the rules of effectivePermissions). Without `filter.communityId` the listing
 * spans every community, and a community grant counts where it names the workflow's community
 * and the viewer is a member of it. The statement's shape depends on the filter: built per call.
 */
function visible(context: StatementContext<ListParams>, filter: WorkflowListFilter) {
  const { db, dialect, param } = context;
  let query = db.selectFrom("workflows as w");
  if (filter.communityId !== undefined) {
    query = query.where("w.community_id", "=", param("communityId") as number);
  }
  if (filter.entityId !== undefined) {
    query = query.where("w.entity_id", "=", param("entityId") as number);
  }
  if (filter.status !== undefined) {
    query = query.where("w.status", "=", param("status") as Workflow["status"]);
  }
  if (filter.search !== undefined && filter.search !== "") {
    query = query.where((eb) =>
      eb.or([
        containsText(dialect, "w.name", param("pattern")),
        containsText(dialect, "w.description", param("pattern")),
      ]),
    );
  }
  const viewer = filter.viewer;
  if (viewer.admin) return query;
  return query.where((eb) =>
    eb.or([
      eb("w.owner_user_id", "=", param("userId")),
      eb.exists(
        eb
          .selectFrom("workflow_permissions as p")
          .select(eb.lit(1).as("one"))
          .whereRef("p.workflow_id", "=", "w.workflow_id")
          .where("p.can_view", "=", true)
          .where((eb) => {
            const targets = [
              eb.and([eb("p.target_type", "=", "user"), eb("p.target_id", "=", param("userId"))]),
            ];
            if (viewer.roles.length > 0) {
              targets.push(
                eb.and([
                  eb("p.target_type", "=", "role"),
                  inList(dialect, "p.target_id", param.list("roles")),
                ]),
              );
            }
            if (filter.communityId !== undefined) {
              // Every listed workflow is of this community.
              if (viewer.communityIds.includes(filter.communityId)) {
                targets.push(
                  eb.and([
                    eb("p.target_type", "=", "community"),
                    eb("p.target_id", "=", param("memberOf") as string),
                  ]),
                );
              }
            } else if (viewer.communityIds.length > 0) {
              // The grant must name the workflow's own community, and the viewer belong to it.
              targets.push(
                eb.and([
                  eb("p.target_type", "=", "community"),
                  eb("p.target_id", "=", eb.cast<string>("w.community_id", "text")),
                  inList(dialect, "p.target_id", param.list("communities")),
                ]),
              );
            }
            return eb.or(targets);
          }),
      ),
    ]),
  );
}

/** One page, ordered by updatedAt descending, then workflowId. */
export async function listWorkflows(
  db: SqlDatabase,
  filter: WorkflowListFilter,
  page: number,
  perPage: number,
): Promise<Page<Workflow>> {
  const values: ListParams = {
    communityId: filter.communityId,
    entityId: filter.entityId,
    status: filter.status,
    pattern: filter.search === undefined ? undefined : containsPattern(filter.search),
    userId: filter.viewer.userId,
    roles: filter.viewer.roles,
    memberOf: filter.communityId === undefined ? undefined : String(filter.communityId),
    communities: filter.viewer.communityIds.map(String),
    limit: perPage,
    offset: (page - 1) * perPage,
  };
  const rows = new Statement<ListParams, Row<"workflows">>(
    (context) =>
      visible(context, filter)
        .selectAll("w")
        .orderBy("w.updated_at", "desc")
        .orderBy("w.workflow_id")
        .limit(context.param("limit"))
        .offset(context.param("offset")),
    "workflows",
  );
  const count = new Statement<ListParams, { total: number | string }>((context) =>
    visible(context, filter).select((eb) => eb.fn.countAll<number>().as("total")),
  );
  const [items, counts] = await Promise.all([db.run(rows, values), db.run(count, values)]);
  return {
    items: items.rows.map(workflowFromRow),
    total: Number(counts.rows[0]?.total ?? 0),
  };
}
