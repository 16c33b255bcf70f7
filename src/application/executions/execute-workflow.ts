import { DomainError } from "../../domain/errors.js";
import type { Execution, TriggerInfo } from "../../domain/execution/execution.js";
import type { JsonObject } from "../../domain/json.js";
import type { Principal } from "../../domain/permissions/principal.js";
import type { Clock } from "../../domain/ports/clock.js";
import type { ExecutionRepository } from "../../ports/execution-repository.js";
import type { IdGenerator } from "../../ports/id-generator.js";
import type { Disclosed } from "../access/disclosure.js";
import { InputCheck } from "../input-limits/input-check.js";
import { inputLimits } from "../input-limits/input-limits.js";
import type { Auditor } from "../shared/audit.js";
import { newExecution } from "../triggers/new-execution.js";
import type { StartGuard } from "../triggers/start-guard.js";
import type { TriggerAdmissionGate } from "../triggers/trigger-admission-gate.js";
import type { WorkflowAccess } from "../workflows/workflow-access.js";

export interface ExecuteWorkflowInput {
  workflowId: string;
  communityId: number;
  variables: JsonObject;
  trigger: Partial<TriggerInfo>;
  idempotencyKey: string;
}

const idempotencyWindowMs = 24 * 60 * 60 * 1000;

/**
 * Stores a pending execution of the published version and returns at once; the runner picks
 * it up. The same idempotency key from the same caller within 24 hours returns the first
 * execution. Needs can_execute.
 */
export class ExecuteWorkflow {
  constructor(
    private readonly executions: ExecutionRepository,
    private readonly access: WorkflowAccess,
    private readonly ids: IdGenerator,
    private readonly clock: Clock,
    private readonly auditor: Auditor,
    private readonly wakeRunner: (executionId: string) => void,
    /** The trigger limits and the community stop switch (absent: neither applies). */
    private readonly limits: { gate: TriggerAdmissionGate; guard: StartGuard } | null = null,
  ) {}

  async execute(principal: Principal, input: ExecuteWorkflowInput): Promise<Disclosed<Execution>> {
    const check = new InputCheck();
    checkExecuteInput(input, check);
    check.throwIfAny("invalid execute request");
    const { workflow, show } = await this.access.require(
      principal,
      input.workflowId,
      "can_execute",
      "execute_workflow",
    );
    const subject = { communityId: workflow.communityId, workflowId: workflow.workflowId };
    if (input.communityId !== workflow.communityId) {
      await this.auditor.denied(principal, "execute_workflow", subject, {
        requested_community: input.communityId,
      });
      throw DomainError.workflowNotFound(input.workflowId);
    }
    const now = new Date(this.clock.now());
    const key = input.idempotencyKey;
    if (key !== "") {
      const since = new Date(now.getTime() - idempotencyWindowMs);
      const existing = await this.executions.findByIdempotencyKey(principal.userId, key, since);
      if (existing !== null) return show.execution(sameWorkflow(existing, input.workflowId));
      await this.executions.releaseIdempotencyKey(principal.userId, key, since);
    }
    if (workflow.status === "archived" || workflow.publishedVersion === null) {
      await this.auditor.failure(principal, "execute_workflow", subject, {
        status: workflow.status,
      });
      throw new DomainError(
        "failed_precondition",
        "FAILED_PRECONDITION",
        workflow.status === "archived"
          ? `workflow ${workflow.workflowId} is archived`
          : `workflow ${workflow.workflowId} is not published; use TestWorkflow to dry-run a draft`,
        { metadata: { workflow_id: workflow.workflowId, status: workflow.status } },
      );
    }
    await this.limits?.guard.requireRunning(workflow.communityId, principal, "execute_workflow");
    const execution: Execution = newExecution({
      executionId: this.ids.next(),
      workflowId: workflow.workflowId,
      workflowVersion: workflow.publishedVersion,
      communityId: workflow.communityId,
      entityId: workflow.entityId,
      triggeredBy: principal.userId,
      trigger: {
        triggerNodeId: input.trigger.triggerNodeId ?? "",
        triggerSource: input.trigger.triggerSource || "api",
        sessionId: input.trigger.sessionId ?? "",
        platform: input.trigger.platform ?? "",
        data: input.trigger.data ?? {},
      },
      inputVariables: input.variables,
      idempotencyKey: key === "" ? null : key,
      createdAt: now,
    });
    const audit = this.auditor.successEvent(
      principal,
      "execute_workflow",
      { ...subject, executionId: execution.executionId },
      { version: execution.workflowVersion, trigger_source: execution.trigger.triggerSource },
    );
    try {
      if (this.limits === null) await this.executions.insert(execution, audit);
      else {
        const runFor = {
          platform: execution.trigger.platform,
          channelId: String(execution.entityId),
          userId: principal.userId,
          roles: principal.roles,
        };
        await this.limits.gate.admitApiRun(execution, audit, runFor, now.getTime());
      }
    } catch (error) {
      // A concurrent request with the same key won the insert: answer with its execution.
      const winner =
        key !== "" && DomainError.is(error) && error.kind === "already_exists"
          ? await this.executions.findByIdempotencyKey(principal.userId, key, new Date(0))
          : null;
      if (winner === null) throw error;
      return show.execution(sameWorkflow(winner, input.workflowId));
    }
    this.wakeRunner(execution.executionId);
    this.auditor.recorded(audit);
    return show.execution(execution);
  }
}

/** A key names one request: reusing it for another workflow is a client error, not a replay. */
function sameWorkflow(existing: Execution, workflowId: string): Execution {
  if (existing.workflowId === workflowId) return existing;
  throw new DomainError(
    "already_exists",
    "ALREADY_EXISTS",
    "idempotency_key was already used for another workflow's execution",
    { metadata: { execution_id: existing.executionId } },
  );
}

/** The input limits of a run request (ExecuteWorkflow, and TestWorkflow before its own). */
export function checkExecuteInput(input: ExecuteWorkflowInput, check: InputCheck): void {
  const { text, size } = inputLimits;
  if (input.workflowId === "") check.add("workflow_id", "workflow_id is required");
  else check.id(input.workflowId, "workflow_id");
  if (!Number.isSafeInteger(input.communityId) || input.communityId <= 0) {
    check.add("community_id", "community_id is required");
  }
  const variablesStorable = check.json(input.variables, "variables");
  const { triggerNodeId, triggerSource, sessionId, platform, data } = input.trigger;
  if (triggerNodeId !== undefined) check.id(triggerNodeId, "trigger.trigger_node_id");
  const triggerTexts: [string | undefined, string][] = [
    [triggerSource, "trigger.trigger_source"],
    [sessionId, "trigger.session_id"],
    [platform, "trigger.platform"],
  ];
  for (const [value, field] of triggerTexts) {
    if (value !== undefined) check.text(value, field, text.triggerField);
  }
  const dataStorable = data === undefined || check.json(data, "trigger.data");
  if (variablesStorable && dataStorable) {
    const length = JSON.stringify(input.variables).length + JSON.stringify(data ?? {}).length;
    if (length > size.variablesAndTriggerData) {
      check.add(
        "variables",
        `variables and trigger data exceed ${size.variablesAndTriggerData} bytes`,
      );
    }
  }
  check.text(input.idempotencyKey, "idempotency_key", text.idempotencyKey);
}
