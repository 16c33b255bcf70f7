import { DomainError } from "../../domain/errors.js";
import type { JsonObject } from "../../domain/json.js";
import type { Principal } from "../../domain/permissions/principal.js";
import type { Clock } from "../../domain/ports/clock.js";
import type { Workflow } from "../../domain/workflow/workflow.js";
import type {
  WorkflowConnection,
  WorkflowLimits,
  WorkflowNode,
} from "../../domain/workflow/workflow-definition.js";
import type { WorkflowRepository } from "../../ports/workflow-repository.js";
import type { Disclosed } from "../access/disclosure.js";
import { checkIds, InputCheck } from "../input-limits/input-check.js";
import type { Auditor } from "../shared/audit.js";
import { checkVersionArgument, requireExpectedVersion } from "./version-arguments.js";
import type { WorkflowAccess } from "./workflow-access.js";
import { checkDefinition, checkText } from "./workflow-input.js";

/** Fields present are replaced; absent ones keep their value. */
export interface UpdateWorkflowInput {
  workflowId: string;
  /** When set, CONFLICT unless the stored version equals it. */
  expectedVersion?: number;
  name?: string;
  description?: string;
  tags?: string[];
  /** Replaces every limit. */
  limits?: WorkflowLimits;
  /** Changes these limits and keeps the others (applied over `limits` or the stored ones). */
  limitChanges?: WorkflowLimits;
  globalVariables?: JsonObject;
  nodes?: WorkflowNode[];
  connections?: WorkflowConnection[];
}

/**
 * Writes a new version and keeps the previous one in the history. A published workflow stays
 * published at its published version until it is published again. The changes apply to the
 * version read here, and the write succeeds only if the workflow is still at that version, so
 * a partial update never overwrites a concurrent one. Needs can_edit.
 */
export class UpdateWorkflow {
  constructor(
    private readonly workflows: WorkflowRepository,
    private readonly access: WorkflowAccess,
    private readonly clock: Clock,
    private readonly auditor: Auditor,
  ) {}

  async execute(principal: Principal, input: UpdateWorkflowInput): Promise<Disclosed<Workflow>> {
    checkIds({ workflow_id: input.workflowId });
    checkVersionArgument(input.expectedVersion, "expected_version");
    const { workflow: current, show } = await this.access.require(
      principal,
      input.workflowId,
      "can_edit",
      "update_workflow",
    );
    if (current.status === "archived") {
      throw new DomainError(
        "failed_precondition",
        "FAILED_PRECONDITION",
        `workflow ${input.workflowId} is archived`,
        { metadata: { workflow_id: input.workflowId } },
      );
    }
    requireExpectedVersion(current, input.expectedVersion);
    const now = new Date(this.clock.now());
    const updated: Workflow = {
      ...current,
      name: input.name?.trim() ?? current.name,
      description: input.description ?? current.description,
      tags: input.tags ?? current.tags,
      version: current.version + 1,
      updatedAt: now,
      definition: {
        globalVariables: input.globalVariables ?? current.definition.globalVariables,
        nodes: input.nodes ?? current.definition.nodes,
        connections: input.connections ?? current.definition.connections,
        limits: { ...(input.limits ?? current.definition.limits), ...input.limitChanges },
      },
    };
    const check = new InputCheck();
    checkText(updated, check);
    checkDefinition(updated.definition, check);
    check.throwIfAny("invalid workflow");

    await this.workflows.save(updated, current.version, {
      workflowId: updated.workflowId,
      version: updated.version,
      name: updated.name,
      description: updated.description,
      tags: updated.tags,
      definition: updated.definition,
      createdBy: principal.userId,
      createdAt: now,
    });
    await this.auditor.success(
      principal,
      "update_workflow",
      { communityId: updated.communityId, workflowId: updated.workflowId },
      { version: updated.version, fields: Object.keys(input).filter((k) => k !== "workflowId") },
    );
    return show.workflow(updated);
  }
}
