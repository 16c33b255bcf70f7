import { DomainError } from "../../domain/errors.js";
import type { TriggerInfo } from "../../domain/execution/execution.js";
import type { NodeRun } from "../../domain/execution/node-run.js";
import type { JsonObject, JsonValue } from "../../domain/json.js";
import type { Principal } from "../../domain/permissions/principal.js";
import type { Clock } from "../../ports/clock.js";
import type { IdGenerator } from "../../ports/id-generator.js";
import type { EngineLimits, EngineOutcome, WorkflowEngine } from "../../ports/workflow-engine.js";
import type { WorkflowRepository } from "../../ports/workflow-repository.js";
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

export interface TestResult {
  executionId: string;
  workflowId: string;
  workflowVersion: number;
  outcome: EngineOutcome;
  trace: NodeRun[];
  durationMs: number;
}

/**
 * Dry-run: the engine runs with every side-effecting node simulated (requests recorded, mock
 * outputs returned, delays not waited), nothing is stored and nothing is sent. Drafts may be
 * tested. Needs can_execute.
 */
export class TestWorkflow {
  constructor(
    private readonly access: WorkflowAccess,
    private readonly workflows: WorkflowRepository,
    private readonly engine: WorkflowEngine,
    private readonly ids: IdGenerator,
    private readonly clock: Clock,
    private readonly auditor: Auditor,
    private readonly limits: EngineLimits,
  ) {}

  async execute(
    principal: Principal,
    input: TestWorkflowInput,
    signal: AbortSignal,
  ): Promise<TestResult> {
    const check = new InputCheck();
    checkExecuteInput(input, check);
    checkMocks(input.mocks, check);
    check.int32(input.version, "version", 1);
    check.throwIfAny("invalid test request");
    const current = await this.access.require(
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
    const trace: NodeRun[] = [];
    const started = this.clock.now();
    const run = this.engine.start(`${workflow.workflowId}@${workflow.version}`, {
      definition: workflow.definition,
      context: {
        executionId,
        workflowId: workflow.workflowId,
        workflowVersion: workflow.version,
        userId: principal.userId,
        communityId: workflow.communityId,
        entityId: workflow.entityId,
      },
      variables: input.variables,
      trigger: testTrigger(input.trigger),
      limits: this.limits,
      mode: "dry_run",
      mocks: input.mocks,
      signal,
      onNodeRun: (nodeRun) => trace.push(nodeRun),
      resumeFrom: null,
    });
    const outcome = await run.outcome;
    const durationMs = this.clock.now().getTime() - started.getTime();
    await this.auditor.success(
      principal,
      "test_workflow",
      { communityId: workflow.communityId, workflowId: workflow.workflowId, executionId },
      { version: workflow.version, status: outcome.status },
    );
    return {
      executionId,
      workflowId: workflow.workflowId,
      workflowVersion: workflow.version,
      outcome,
      // Loop nodes are reported after their bodies; the trace reads in execution order.
      trace: trace.sort((a, b) => a.sequence - b.sequence),
      durationMs,
    };
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
