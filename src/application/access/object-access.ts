import { DomainError } from "../../domain/errors.js";
import { effectivePermissions } from "../../domain/permissions/effective-permissions.js";
import type { PermissionFlag } from "../../domain/permissions/permission.js";
import type { Principal } from "../../domain/permissions/principal.js";
import type { AccessFacts, AccessRepository } from "../../ports/access-repository.js";
import type { Auditor } from "../shared/audit.js";
import { Disclosure } from "./disclosure.js";

/** The caller may act: what it holds on the workflow, and what answers may show it. */
export interface Permit {
  workflowId: string;
  communityId: number;
  flags: ReadonlySet<PermissionFlag>;
  show: Disclosure;
}

interface Asked {
  workflowId: string | null;
  executionId: string | null;
  notFound: () => DomainError;
}

/**
 * Decides whether a principal may act on a workflow or one of its executions. A caller who
 * cannot view the workflow gets the not-found error a missing object gets, after the same
 * work: one statement reads the object's owner, community and the caller's grants whether
 * the object exists or not, and both refusals write one audit event. One who can view it but
 * lacks the flag gets PERMISSION_DENIED.
 */
export class ObjectAccess {
  constructor(
    private readonly facts: AccessRepository,
    private readonly auditor: Auditor,
  ) {}

  async toWorkflow(
    principal: Principal,
    workflowId: string,
    flag: PermissionFlag,
    action: string,
  ): Promise<Permit> {
    const facts = await this.facts.ofWorkflow(workflowId, principal);
    return this.decide(principal, facts, flag, action, {
      workflowId,
      executionId: null,
      notFound: () => DomainError.workflowNotFound(workflowId),
    });
  }

  async toExecution(
    principal: Principal,
    executionId: string,
    flag: PermissionFlag,
    action: string,
  ): Promise<Permit> {
    const facts = await this.facts.ofExecution(executionId, principal);
    return this.decide(principal, facts, flag, action, {
      workflowId: null,
      executionId,
      notFound: () =>
        DomainError.notFound(`execution ${executionId} not found`, { execution_id: executionId }),
    });
  }

  private async decide(
    principal: Principal,
    facts: AccessFacts,
    flag: PermissionFlag,
    action: string,
    asked: Asked,
  ): Promise<Permit> {
    const { workflow } = facts;
    if (workflow === null) {
      await this.auditor.denied(
        principal,
        action,
        { communityId: null, workflowId: asked.workflowId, executionId: asked.executionId },
        { reason: "not_found" },
      );
      throw asked.notFound();
    }
    const flags = effectivePermissions(principal, workflow, facts.grants);
    const subject = {
      communityId: workflow.communityId,
      workflowId: workflow.workflowId,
      executionId: asked.executionId,
    };
    if (flags.has(flag)) {
      return {
        workflowId: workflow.workflowId,
        communityId: workflow.communityId,
        flags,
        show: Disclosure.of(flags),
      };
    }
    const visible = flags.has("can_view");
    await this.auditor.denied(principal, action, subject, {
      reason: visible ? "missing_permission" : "not_visible",
      permission: flag,
    });
    if (!visible) throw asked.notFound();
    throw DomainError.permissionDenied(`${flag} is required on workflow ${workflow.workflowId}`, {
      workflow_id: workflow.workflowId,
      ...(asked.executionId === null ? {} : { execution_id: asked.executionId }),
      permission: flag,
    });
  }
}
