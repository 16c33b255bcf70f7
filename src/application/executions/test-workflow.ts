import type { EngineLimits } from "../../domain/engine/engine-types.js";
import { DomainError } from "../../domain/errors.js";
import type { TriggerInfo } from "../../domain/execution/execution.js";
import type { JsonObject, JsonValue } from "../../domain/json.js";
import type { Principal } from "../../domain/permissions/principal.js";
import type { EngineHost } from "../../ports/engine-host.js";
import type { IdGenerator } from "../../ports/id-generator.js";
import type { WorkflowRepository } from "../../ports/workflow-repository.js";
import type { Disclosed, DryRunAnswer } from "../access/disclosure.js";
import { InputCheck } from "../input-limits/input-check.js";
import { inputLimits } from "../input-limits/input-limits.js";
import { formatPath } from "../input-limits/json-problem.js";
import type { Auditor } from "../shared/audit.js";
import type { WorkflowAccess } from "../workflows/workflow-access.js";
import { workflowAtVersion } from "../workflows/workflow-at-version.js";
import { checkExecuteInput, type ExecuteWorkflowInput } from "./execute-workflow.js";

export interface TestWorkflowInput extends ExecuteWorkflowInput {
  mocks: Record<string, JsonValue>;
  version?: number;
}

/** The dry-run (outcome, trace in execution order, summary) and what it ran. */
export type TestResult = DryRunAnswer;

/**
 * Dry-run: the engine runs with every side-effecting node simulated (requests recorded, mock
 * outputs returned, delays not waited), nothing is stored and nothing is sent. Drafts may be
 * tested. Needs can_execute. It runs on the engine host like live runs, under the same
 * CPU-time bound (exceeding it rejects with CPU_LIMIT_EXCEEDED).
 */
export class TestWorkflow {
  constructor(
    private readonly access: WorkflowAccess,
    private readonly workflows: WorkflowRepository,
    private readonly engine: EngineHost,
    private readonly ids: IdGenerator,
    private readonly auditor: Auditor,
    private readonly limits: Partial<EngineLimits>,
  ) {}

  async execute(
    principal: Principal,
    input: TestWorkflowInput,
    signal: AbortSignal,
  ): Promise<Disclosed<TestResult>> {
    const check = new InputCheck();
    checkExecuteInput(input, check);
    checkMocks(input.mocks, check);
    check.int32(input.version, "version", 1);
    check.throwIfAny("invalid test request");
    const { workflow: current, show } = await this.access.require(
      principal,
      input.workflowId,
      "can_execute",
      "test_workflow",
    );
    const workflow = await workflowAtVersion(this.workflows, current, input.version);
    if (input.communityId !== workflow.communityId) {
      await this.auditor.denied(principal, "test_workflow", {
        communityId: workflow.communityId,
        workflowId: workflow.workflowId,
      });
      throw DomainError.workflowNotFound(input.workflowId);
    }
    const executionId = this.ids.next();
    const trigger = testTrigger(input.trigger);
    const dryRun = await show.definitionProblems(() =>
      this.engine.dryRun(
        {
          workflowId: workflow.workflowId,
          version: workflow.version,
          definition: workflow.definition,
        },
        {
          context: {
            executionId,
            workflowId: workflow.workflowId,
            workflowVersion: workflow.version,
            userId: principal.userId,
            communityId: workflow.communityId,
            entityId: workflow.entityId,
            sessionId: trigger.sessionId,
            platform: trigger.platform,
          },
          variables: input.variables,
          trigger: { triggerNodeId: trigger.triggerNodeId, data: trigger.data },
          limits: this.limits,
          mocks: input.mocks,
          signal,
        },
      ),
    );
    await this.auditor.success(
      principal,
      "test_workflow",
      { communityId: workflow.communityId, workflowId: workflow.workflowId, executionId },
      { version: workflow.version, status: dryRun.outcome.status },
    );
    return show.dryRun({
      executionId,
      workflowId: workflow.workflowId,
      workflowVersion: workflow.version,
      ...dryRun,
    });
  }
}

/** Mocks are keyed by node id and replace node outputs, so they obey the JSON limits too. */
function checkMocks(mocks: Record<string, JsonValue>, check: InputCheck): void {
  const entries = Object.entries(mocks);
  check.count(entries.length, "node_mocks", inputLimits.list.nodeMocks);
  for (const [nodeId, value] of entries) {
    const field = formatPath("node_mocks", [nodeId]);
    if (check.id(nodeId, field)) check.json(value, field, nodeId);
  }
}

function testTrigger(trigger: Partial<TriggerInfo>): TriggerInfo {
  return {
    triggerNodeId: trigger.triggerNodeId ?? "",
    triggerSource: trigger.triggerSource || "api_test",
    sessionId: trigger.sessionId ?? "",
    platform: trigger.platform || "api_test",
    data: (trigger.data ?? {}) as JsonObject,
  };
}
