import { DomainError } from "../../domain/errors.js";
import type { Principal } from "../../domain/permissions/principal.js";
import type { Clock } from "../../domain/ports/clock.js";
import { emptyTriggerPlan, type TriggerPlan } from "../../domain/triggers/trigger-rule.js";
import { issuesToViolations } from "../../domain/workflow/validation-report.js";
import type { Workflow } from "../../domain/workflow/workflow.js";
import type { WorkflowRepository } from "../../ports/workflow-repository.js";
import type { Disclosed } from "../access/disclosure.js";
import { checkIds } from "../input-limits/input-check.js";
import type { Auditor } from "../shared/audit.js";
import { checkVersionArgument, requireExpectedVersion } from "./version-arguments.js";
import type { WorkflowAccess } from "./workflow-access.js";
import type { ValidationReport, WorkflowValidator } from "./workflow-validator.js";

interface PublishResult {
  workflow: Disclosed<Workflow>;
  /** Its warnings describe the definition: empty for callers who cannot view it. */
  report: ValidationReport;
}

/**
 * Publishes the current version, making it the one executions run. An invalid workflow is a
 * BAD_REQUEST listing every violation. Needs can_edit.
 */
export class PublishWorkflow {
  constructor(
    private readonly workflows: WorkflowRepository,
    private readonly access: WorkflowAccess,
    private readonly validator: WorkflowValidator,
    private readonly clock: Clock,
    private readonly auditor: Auditor,
    /** The chat triggers and webhooks of a published workflow. */
    private readonly triggerPlan: (workflow: Workflow) => TriggerPlan = () => emptyTriggerPlan,
  ) {}

  async execute(
    principal: Principal,
    workflowId: string,
    expectedVersion?: number,
  ): Promise<PublishResult> {
    checkIds({ workflow_id: workflowId });
    checkVersionArgument(expectedVersion, "expected_version");
    const { workflow: current, show } = await this.access.require(
      principal,
      workflowId,
      "can_edit",
      "publish_workflow",
    );
    const subject = { communityId: current.communityId, workflowId };
    if (current.status === "archived") {
      throw new DomainError("failed_precondition", "FAILED_PRECONDITION", "workflow is archived", {
        metadata: { workflow_id: workflowId },
      });
    }
    requireExpectedVersion(current, expectedVersion);
    const report = this.validator(current.definition);
    if (!report.isValid) {
      await this.auditor.failure(principal, "publish_workflow", subject, {
        errors: report.errors.length,
      });
      throw DomainError.badRequest(
        `workflow is invalid: ${report.errors.length} error(s)`,
        show.definitionViolations(issuesToViolations(report.errors)),
      );
    }
    const now = new Date(this.clock.now());
    const published: Workflow = {
      ...current,
      status: "published",
      publishedVersion: current.version,
      publishedAt: now,
      updatedAt: now,
    };
    await this.workflows.save(published, current.version, undefined, this.triggerPlan(published));
    await this.auditor.success(principal, "publish_workflow", subject, {
      version: current.version,
    });
    return {
      workflow: show.workflow(published),
      report: show.canView ? report : { ...report, warnings: [] },
    };
  }
}
