import type { DryRun } from "../../domain/engine/dry-run.js";
import { DomainError, type FieldViolation } from "../../domain/errors.js";
import type { Execution, ExecutionWithNodeRuns } from "../../domain/execution/execution.js";
import type { PermissionFlag } from "../../domain/permissions/permission.js";
import type { Workflow } from "../../domain/workflow/workflow.js";

declare const disclosed: unique symbol;

/**
 * An answer that went through the disclosure rule below. Use cases return these, so an
 * answer that skipped the rule does not type-check.
 */
export type Disclosed<T> = T & { readonly [disclosed]: true };

/** A dry-run's answer (TestWorkflow): the run and what it ran. */
export interface DryRunAnswer extends DryRun {
  executionId: string;
  workflowId: string;
  workflowVersion: number;
}

/**
 * What an answer may show: the one rule every use case applies (docs/permissions.md).
 *
 * can_view is what shows a workflow's content and its executions' data; every other flag
 * only lets its holder act. A caller who acts without can_view (can_edit, can_execute or
 * can_delete alone) gets a receipt: ids, version, status and times; name, description, tags,
 * owner, definition, variables, trigger data, outputs, node records and error messages are
 * answered empty. Receipts are built field by field, so a field added to a type is hidden
 * until it is decided here.
 */
export class Disclosure {
  static readonly toViewer = new Disclosure(true);
  private static readonly toActor = new Disclosure(false);

  private constructor(readonly canView: boolean) {}

  /** The disclosure for a caller holding `flags` on the workflow. */
  static of(flags: ReadonlySet<PermissionFlag>): Disclosure {
    return flags.has("can_view") ? Disclosure.toViewer : Disclosure.toActor;
  }

  workflow(workflow: Workflow): Disclosed<Workflow> {
    if (this.canView) return mark(workflow);
    return mark<Workflow>({
      workflowId: workflow.workflowId,
      communityId: workflow.communityId,
      entityId: workflow.entityId,
      name: "",
      description: "",
      tags: [],
      status: workflow.status,
      version: workflow.version,
      definition: { globalVariables: {}, nodes: [], connections: [], limits: {} },
      ownerUserId: "",
      createdAt: workflow.createdAt,
      updatedAt: workflow.updatedAt,
      publishedVersion: workflow.publishedVersion,
      publishedAt: workflow.publishedAt,
    });
  }

  execution(execution: Execution): Disclosed<Execution> {
    if (this.canView) return mark(execution);
    return mark(executionReceipt(execution));
  }

  executionWithNodeRuns(execution: ExecutionWithNodeRuns): Disclosed<ExecutionWithNodeRuns> {
    if (this.canView) return mark(execution);
    return mark<ExecutionWithNodeRuns>({ ...executionReceipt(execution), nodeRuns: [] });
  }

  /** A dry-run without can_view: its status, error code and summary; no trace or variables. */
  dryRun(answer: DryRunAnswer): Disclosed<DryRunAnswer> {
    if (this.canView) return mark(answer);
    const { outcome, summary } = answer;
    return mark<DryRunAnswer>({
      executionId: answer.executionId,
      workflowId: answer.workflowId,
      workflowVersion: answer.workflowVersion,
      outcome: {
        status: outcome.status,
        errorReason: outcome.errorReason,
        errorMessage: null,
        errorNodeId: null,
        finalOutput: null,
        finalVariables: {},
        nodesExecuted: outcome.nodesExecuted,
        failedNodes: [],
        operations: outcome.operations,
        startedAt: outcome.startedAt,
        completedAt: outcome.completedAt,
        durationMs: outcome.durationMs,
        counts: { ...outcome.counts },
        trace: null,
        wait: null,
      },
      trace: [],
      summary: { ...summary },
    });
  }

  /** Violations that describe the stored definition (publishing it): only viewers see them. */
  definitionViolations(violations: FieldViolation[]): FieldViolation[] {
    return this.canView ? violations : [];
  }

  /**
   * Runs `work` on the stored definition (compiling it to dry-run it); the BAD_REQUEST it may
   * throw describes the definition, so a caller without can_view gets only its count.
   */
  async definitionProblems<T>(work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (error) {
      if (this.canView || !DomainError.is(error) || error.kind !== "invalid_argument") throw error;
      throw DomainError.badRequest(
        `the workflow cannot run: ${error.violations.length} validation error(s)`,
      );
    }
  }
}

/** The only place an answer becomes Disclosed. */
function mark<T>(answer: T): Disclosed<T> {
  return answer as Disclosed<T>;
}

function executionReceipt(execution: Execution): Execution {
  return {
    executionId: execution.executionId,
    workflowId: execution.workflowId,
    workflowVersion: execution.workflowVersion,
    status: execution.status,
    communityId: execution.communityId,
    entityId: execution.entityId,
    triggeredBy: "",
    trigger: { triggerNodeId: "", triggerSource: "", sessionId: "", platform: "", data: {} },
    inputVariables: {},
    idempotencyKey: null,
    createdAt: execution.createdAt,
    startedAt: execution.startedAt,
    completedAt: execution.completedAt,
    durationMs: execution.durationMs,
    nodesExecuted: execution.nodesExecuted,
    totalNodes: execution.totalNodes,
    failedNodes: [],
    errorReason: execution.errorReason,
    errorMessage: null,
    errorNodeId: null,
    finalOutput: null,
    finalVariables: {},
    cancelRequestedAt: execution.cancelRequestedAt,
    // That it waits and until when, as with its status; which nodes wait is the definition's.
    wait: execution.wait === null ? null : { ...execution.wait, nodeIds: [] },
  };
}
