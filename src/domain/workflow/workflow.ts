import type { WorkflowDefinition } from "./workflow-definition.js";

export type WorkflowStatus = "draft" | "published" | "archived";

/** The current state of a workflow. `definition` is the one of `version`. */
export interface Workflow {
  workflowId: string;
  communityId: number;
  entityId: number;
  name: string;
  description: string;
  tags: string[];
  status: WorkflowStatus;
  version: number;
  definition: WorkflowDefinition;
  ownerUserId: string;
  createdAt: Date;
  updatedAt: Date;
  publishedVersion: number | null;
  publishedAt: Date | null;
}

/** One kept version of a workflow: executions run the version they started with. */
export interface WorkflowVersion {
  workflowId: string;
  version: number;
  name: string;
  description: string;
  tags: string[];
  definition: WorkflowDefinition;
  createdBy: string;
  createdAt: Date;
}
