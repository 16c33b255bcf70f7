import type { Workflow, WorkflowVersion } from "../../../domain/workflow/workflow.js";
import type { NewRow, Row } from "../entities/index.js";

export function workflowFromRow(row: Row<"workflows">): Workflow {
  return {
    workflowId: row.workflow_id,
    communityId: row.community_id,
    entityId: row.entity_id,
    name: row.name,
    description: row.description,
    tags: row.tags,
    status: row.status,
    version: row.version,
    definition: row.definition,
    ownerUserId: row.owner_user_id,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    publishedVersion: row.published_version,
    publishedAt: row.published_at,
  };
}

export function workflowToRow(workflow: Workflow): Required<NewRow<"workflows">> {
  return {
    workflow_id: workflow.workflowId,
    community_id: workflow.communityId,
    entity_id: workflow.entityId,
    name: workflow.name,
    description: workflow.description,
    tags: workflow.tags,
    status: workflow.status,
    version: workflow.version,
    definition: workflow.definition,
    owner_user_id: workflow.ownerUserId,
    created_at: workflow.createdAt,
    updated_at: workflow.updatedAt,
    published_version: workflow.publishedVersion,
    published_at: workflow.publishedAt,
  };
}

export function workflowVersionFromRow(row: Row<"workflow_versions">): WorkflowVersion {
  return {
    workflowId: row.workflow_id,
    version: row.version,
    name: row.name,
    description: row.description,
    tags: row.tags,
    definition: row.definition,
    createdBy: row.created_by,
    createdAt: row.created_at,
  };
}

export function workflowVersionToRow(
  version: WorkflowVersion,
): Required<NewRow<"workflow_versions">> {
  return {
    workflow_id: version.workflowId,
    version: version.version,
    name: version.name,
    description: version.description,
    tags: version.tags,
    definition: version.definition,
    created_by: version.createdBy,
    created_at: version.createdAt,
  };
}
