import { DomainError } from "../../domain/errors.js";
import type { Principal } from "../../domain/permissions/principal.js";
import type { Clock } from "../../domain/ports/clock.js";
import type { Workflow } from "../../domain/workflow/workflow.js";
import type { WorkflowDefinition } from "../../domain/workflow/workflow-definition.js";
import type { IdGenerator } from "../../ports/id-generator.js";
import type { WorkflowRepository } from "../../ports/workflow-repository.js";
import { type Disclosed, Disclosure } from "../access/disclosure.js";
import { InputCheck } from "../input-limits/input-check.js";
import type { Auditor } from "../shared/audit.js";
import { checkDefinition, checkText } from "./workflow-input.js";

export interface CreateWorkflowInput {
  name: string;
  description: string;
  communityId: number;
  entityId: number;
  tags: string[];
  definition: WorkflowDefinition;
}

/** Creates a draft workflow (version 1) owned by the caller. */
export class CreateWorkflow {
  constructor(
    private readonly workflows: WorkflowRepository,
    private readonly ids: IdGenerator,
    private readonly clock: Clock,
    private readonly auditor: Auditor,
  ) {}

  async execute(principal: Principal, input: CreateWorkflowInput): Promise<Disclosed<Workflow>> {
    const check = new InputCheck();
    checkText(input, check);
    if (!Number.isSafeInteger(input.communityId) || input.communityId <= 0) {
      check.add("metadata.community_id", "community_id is required");
    }
    if (!Number.isSafeInteger(input.entityId) || input.entityId < 0) {
      check.add("metadata.entity_id", "entity_id must be 0 or more");
    }
    checkDefinition(input.definition, check);
    check.throwIfAny("invalid workflow");

    if (!principal.admin && !principal.communityIds.includes(input.communityId)) {
      await this.auditor.denied(principal, "create_workflow", { communityId: input.communityId });
      throw DomainError.permissionDenied(`not a member of community ${input.communityId}`, {
        community_id: String(input.communityId),
      });
    }

    const now = new Date(this.clock.now());
    const workflow: Workflow = {
      workflowId: this.ids.next(),
      communityId: input.communityId,
      entityId: input.entityId,
      name: input.name.trim(),
      description: input.description,
      tags: input.tags,
      status: "draft",
      version: 1,
      definition: input.definition,
      ownerUserId: principal.userId,
      createdAt: now,
      updatedAt: now,
      publishedVersion: null,
      publishedAt: null,
    };
    await this.workflows.create(workflow, {
      workflowId: workflow.workflowId,
      version: 1,
      name: workflow.name,
      description: workflow.description,
      tags: workflow.tags,
      definition: workflow.definition,
      createdBy: principal.userId,
      createdAt: now,
    });
    await this.auditor.success(principal, "create_workflow", {
      communityId: workflow.communityId,
      workflowId: workflow.workflowId,
    });
    // The creator is its owner, who sees everything.
    return Disclosure.toViewer.workflow(workflow);
  }
}
