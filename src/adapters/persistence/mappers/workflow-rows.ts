import type {
  Workflow,
  WorkflowStatus,
  WorkflowVersion,
} from "../../../domain/workflow/workflow.js";
import type { WorkflowDefinition } from "../../../domain/workflow/workflow-definition.js";
import type { WorkflowExecutionStats } from "../../../ports/workflow-repository.js";
import type { WorkflowRow } from "../schemas/workflow.schema.js";
import type { WorkflowVersionRow } from "../schemas/workflow-version.schema.js";
import type { DbValues } from "../sql/db-values.js";
import type { SqlRow } from "../sql/sql-client.js";

export function workflowFromRow(row: SqlRow, values: DbValues): Workflow {
  return {
    workflowId: String(row.workflow_id),
    communityId: values.int(row.community_id),
    entityId: values.int(row.entity_id),
    name: String(row.name),
    description: String(row.description),
    tags: values.json<string[]>(row.tags),
    status: row.status as WorkflowStatus,
    version: values.int(row.version),
    definition: values.json<WorkflowDefinition>(row.definition),
    ownerUserId: String(row.owner_user_id),
    createdAt: values.date(row.created_at),
    updatedAt: values.date(row.updated_at),
    publishedVersion: values.intOrNull(row.published_version),
    publishedAt: values.dateOrNull(row.published_at),
  };
}

/** A row of the per-workflow execution aggregate (MikroOrmWorkflowRepository.executionStats). */
export function workflowExecutionStatsFromRow(
  row: SqlRow,
  values: DbValues,
): WorkflowExecutionStats {
  return {
    executionCount: values.int(row.execution_count),
    successCount: values.int(row.success_count ?? 0),
    failureCount: values.int(row.failure_count ?? 0),
    lastExecutedAt: values.dateOrNull(row.last_executed_at),
  };
}

export function workflowVersionFromRow(row: SqlRow, values: DbValues): WorkflowVersion {
  return {
    workflowId: String(row.workflow_id),
    version: values.int(row.version),
    name: String(row.name),
    description: String(row.description),
    tags: values.json<string[]>(row.tags),
    definition: values.json<WorkflowDefinition>(row.definition),
    createdBy: String(row.created_by),
    createdAt: values.date(row.created_at),
  };
}

/** The entity the ORM writes; copies, so nothing managed ever aliases a domain object. */
export function workflowToEntity(workflow: Workflow): WorkflowRow {
  return {
    workflowId: workflow.workflowId,
    communityId: workflow.communityId,
    entityId: workflow.entityId,
    name: workflow.name,
    description: workflow.description,
    tags: [...workflow.tags],
    status: workflow.status,
    version: workflow.version,
    definition: structuredClone(workflow.definition),
    ownerUserId: workflow.ownerUserId,
    createdAt: new Date(workflow.createdAt),
    updatedAt: new Date(workflow.updatedAt),
    publishedVersion: workflow.publishedVersion,
    publishedAt: workflow.publishedAt === null ? null : new Date(workflow.publishedAt),
  };
}

export function workflowVersionToEntity(version: WorkflowVersion): WorkflowVersionRow {
  return {
    workflowId: version.workflowId,
    version: version.version,
    name: version.name,
    description: version.description,
    tags: [...version.tags],
    definition: structuredClone(version.definition),
    createdBy: version.createdBy,
    createdAt: new Date(version.createdAt),
  };
}
