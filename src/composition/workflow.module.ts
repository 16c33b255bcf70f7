import { ContainerModule } from "inversify";
import { WorkerPoolEngineHost } from "../adapters/engine-host/worker-pool-engine-host.js";
import { InProcessEventBus } from "../adapters/events/in-process-event-bus.js";
import { SharedEventBus } from "../adapters/events/shared-event-bus.js";
import { ObjectAccess } from "../application/access/object-access.js";
import { StreamGuard } from "../application/access/stream-guard.js";
import { AuthenticateApiKey } from "../application/auth/authenticate-api-key.js";
import { CancelExecution } from "../application/executions/cancel-execution.js";
import { ExecuteWorkflow } from "../application/executions/execute-workflow.js";
import { ExecutionAccess } from "../application/executions/execution-access.js";
import { ExecutionRunner } from "../application/executions/execution-runner.js";
import { GetExecution } from "../application/executions/get-execution.js";
import { GuardedWatchExecution } from "../application/executions/guarded-watch-execution.js";
import { ListExecutions } from "../application/executions/list-executions.js";
import { TerminalWait } from "../application/executions/terminal-wait.js";
import { TestWorkflow } from "../application/executions/test-workflow.js";
import { WatchExecution } from "../application/executions/watch-execution.js";
import { WorkflowVersions } from "../application/executions/workflow-versions.js";
import { ManagePermissions } from "../application/permissions/manage-permissions.js";
import { Auditor } from "../application/shared/audit.js";
import { CommunityStopSwitch } from "../application/triggers/community-stop-switch.js";
import { DispatchChatEvent } from "../application/triggers/dispatch-chat-event.js";
import { ListSchedules } from "../application/triggers/list-schedules.js";
import { ManageWebhooks } from "../application/triggers/manage-webhooks.js";
import { StartGuard } from "../application/triggers/start-guard.js";
import { TriggerAdmissionGate } from "../application/triggers/trigger-admission-gate.js";
import { ArchiveWorkflow } from "../application/workflows/archive-workflow.js";
import { CreateWorkflow } from "../application/workflows/create-workflow.js";
import { GetWorkflow } from "../application/workflows/get-workflow.js";
import { ListWorkflows } from "../application/workflows/list-workflows.js";
import { PublishWorkflow } from "../application/workflows/publish-workflow.js";
import { UpdateWorkflow } from "../application/workflows/update-workflow.js";
import { ValidateWorkflow } from "../application/workflows/validate-workflow.js";
import { WorkflowAccess } from "../application/workflows/workflow-access.js";
import type { Config } from "../config.js";
import type { EngineLimits } from "../domain/engine/engine-types.js";
import { triggerPlanOf } from "../domain/triggers/trigger-plan.js";
import { validateWorkflow } from "../domain/workflow/validate-workflow.js";
import { Tokens } from "./tokens.js";

function engineLimitsOf(config: Config): Partial<EngineLimits> {
  return {
    timeoutMs: config.limits.workflowTimeoutSeconds * 1000,
    maxLoopIterations: config.limits.maxLoopIterations,
    maxTotalOperations: config.limits.maxTotalOperations,
    maxLoopDepth: config.limits.maxLoopDepth,
    maxParallelNodes: config.limits.maxParallelNodes,
  };
}

/** The engine's worker threads, entered through engine-worker.ts (a .ts file under tsx). */
const engineWorkerUrl = new URL("./engine-worker.js", import.meta.url);

/**
 * The engine host (worker pool), the execution runner, and the workflow/execution use cases.
 * Needs engineModule (the expression compiler validates definitions here too).
 */
export const workflowModule = new ContainerModule(({ bind }) => {
  bind(Tokens.EngineHost).toDynamicValue(({ get }) => {
    const config = get(Tokens.Config);
    return new WorkerPoolEngineHost(
      {
        workerUrl: engineWorkerUrl,
        setup: config,
        size: config.runner.engineWorkers,
        segmentCpuMs: config.runner.segmentCpuMs,
      },
      get(Tokens.Clock),
      get(Tokens.Logger),
    );
  });
  bind(WorkflowVersions).toConstantValue(new WorkflowVersions(500));
  bind(Tokens.WorkflowValidator).toDynamicValue(({ get }) => {
    const config = get(Tokens.Config);
    const compiler = get(Tokens.ExpressionCompiler);
    return (definition) =>
      validateWorkflow(definition, compiler, {
        maxNodes: 100,
        maxLoopDepth: config.limits.maxLoopDepth,
      });
  });
  bind(Tokens.ExecutionEventBus).toDynamicValue(({ get }) => {
    const coordination = get(Tokens.ProcessCoordination);
    return coordination === null ? new InProcessEventBus() : new SharedEventBus(coordination);
  });
  bind(ExecutionRunner).toDynamicValue(({ get }) => {
    const config = get(Tokens.Config);
    return new ExecutionRunner(
      get(Tokens.ExecutionRepository),
      get(Tokens.WorkflowRepository),
      get(WorkflowVersions),
      get(Tokens.EngineHost),
      get(Tokens.ExecutionEventBus),
      get(Tokens.Clock),
      get(Tokens.Logger),
      {
        ownerId: `runner-${get(Tokens.IdGenerator).next()}`,
        concurrency: config.runner.concurrency,
        leaseMs: config.runner.leaseSeconds * 1000,
        pollMs: config.runner.pollMs,
        claimBatchMs: config.runner.claimBatchMs,
        parkAfterMs: config.runner.parkAfterMs === 0 ? null : config.runner.parkAfterMs,
        limits: engineLimitsOf(config),
      },
      get(Tokens.ProcessCoordination),
    );
  });

  bind(ObjectAccess).toDynamicValue(
    ({ get }) => new ObjectAccess(get(Tokens.AccessRepository), get(Auditor)),
  );
  bind(WorkflowAccess).toDynamicValue(
    ({ get }) => new WorkflowAccess(get(Tokens.WorkflowRepository), get(ObjectAccess)),
  );
  bind(ExecutionAccess).toDynamicValue(
    ({ get }) => new ExecutionAccess(get(Tokens.ExecutionRepository), get(ObjectAccess)),
  );

  bind(CreateWorkflow).toDynamicValue(
    ({ get }) =>
      new CreateWorkflow(
        get(Tokens.WorkflowRepository),
        get(Tokens.IdGenerator),
        get(Tokens.Clock),
        get(Auditor),
      ),
  );
  bind(GetWorkflow).toDynamicValue(
    ({ get }) => new GetWorkflow(get(Tokens.WorkflowRepository), get(WorkflowAccess)),
  );
  bind(UpdateWorkflow).toDynamicValue(
    ({ get }) =>
      new UpdateWorkflow(
        get(Tokens.WorkflowRepository),
        get(WorkflowAccess),
        get(Tokens.Clock),
        get(Auditor),
      ),
  );
  bind(ListWorkflows).toDynamicValue(
    ({ get }) => new ListWorkflows(get(Tokens.WorkflowRepository)),
  );
  bind(ArchiveWorkflow).toDynamicValue(
    ({ get }) =>
      new ArchiveWorkflow(
        get(Tokens.WorkflowRepository),
        get(WorkflowAccess),
        get(Tokens.Clock),
        get(Auditor),
      ),
  );
  bind(ValidateWorkflow).toDynamicValue(
    ({ get }) => new ValidateWorkflow(get(GetWorkflow), get(Tokens.WorkflowValidator)),
  );
  bind(PublishWorkflow).toDynamicValue(({ get }) => {
    const compiler = get(Tokens.ExpressionCompiler);
    const calendar = get(Tokens.CronCalendar);
    const clock = get(Tokens.Clock);
    return new PublishWorkflow(
      get(Tokens.WorkflowRepository),
      get(WorkflowAccess),
      get(Tokens.WorkflowValidator),
      clock,
      get(Auditor),
      (workflow) =>
        triggerPlanOf(workflow, compiler, (schedule) =>
          calendar.next(schedule.cronExpression, schedule.timezone, clock.now()),
        ),
    );
  });
  bind(ManagePermissions).toDynamicValue(
    ({ get }) =>
      new ManagePermissions(
        get(Tokens.PermissionRepository),
        get(WorkflowAccess),
        get(Tokens.Clock),
        get(Auditor),
      ),
  );
  bind(ExecuteWorkflow).toDynamicValue(({ get }) => {
    const runner = get(ExecutionRunner);
    return new ExecuteWorkflow(
      get(Tokens.ExecutionRepository),
      get(WorkflowAccess),
      get(Tokens.IdGenerator),
      get(Tokens.Clock),
      get(Auditor),
      (executionId) => runner.queued(executionId),
      { gate: get(TriggerAdmissionGate), guard: get(StartGuard) },
    );
  });
  bind(GetExecution).toDynamicValue(({ get }) => new GetExecution(get(ExecutionAccess)));
  bind(CancelExecution).toDynamicValue(
    ({ get }) =>
      new CancelExecution(
        get(Tokens.ExecutionRepository),
        get(ExecutionAccess),
        get(ExecutionRunner),
        get(Tokens.ExecutionEventBus),
        get(Tokens.Clock),
        get(Auditor),
        new TerminalWait(
          get(Tokens.ExecutionRepository),
          get(Tokens.ExecutionEventBus),
          get(Tokens.Config).runner.watchPollMs,
        ),
        // A run whose process stalled ends once its lease is taken over.
        get(Tokens.Config).runner.leaseSeconds * 1000 + 5_000,
      ),
  );
  bind(ListExecutions).toDynamicValue(
    ({ get }) => new ListExecutions(get(Tokens.ExecutionRepository), get(WorkflowAccess)),
  );
  bind(TestWorkflow).toDynamicValue(
    ({ get }) =>
      new TestWorkflow(
        get(WorkflowAccess),
        get(Tokens.WorkflowRepository),
        get(Tokens.EngineHost),
        get(Tokens.IdGenerator),
        get(Auditor),
        engineLimitsOf(get(Tokens.Config)),
      ),
  );
  bind(WatchExecution).toDynamicValue(
    ({ get }) =>
      new WatchExecution(
        get(Tokens.ExecutionRepository),
        get(ExecutionAccess),
        get(Tokens.ExecutionEventBus),
        get(Tokens.Clock),
        get(Tokens.Config).runner.watchPollMs,
      ),
  );

  bind(GuardedWatchExecution).toDynamicValue(
    ({ get }) =>
      new GuardedWatchExecution(
        get(WatchExecution),
        get(ExecutionAccess),
        new StreamGuard(get(AuthenticateApiKey), get(Tokens.Config).auth.streamRecheckMs),
      ),
  );

  bind(Tokens.WorkflowUseCases).toDynamicValue(({ get }) => ({
    createWorkflow: get(CreateWorkflow),
    getWorkflow: get(GetWorkflow),
    updateWorkflow: get(UpdateWorkflow),
    listWorkflows: get(ListWorkflows),
    archiveWorkflow: get(ArchiveWorkflow),
    validateWorkflow: get(ValidateWorkflow),
    publishWorkflow: get(PublishWorkflow),
    managePermissions: get(ManagePermissions),
    executeWorkflow: get(ExecuteWorkflow),
    getExecution: get(GetExecution),
    cancelExecution: get(CancelExecution),
    listExecutions: get(ListExecutions),
    testWorkflow: get(TestWorkflow),
    watchExecution: get(GuardedWatchExecution),
    dispatchChatEvent: get(DispatchChatEvent),
    communityStops: get(CommunityStopSwitch),
    webhooks: get(ManageWebhooks),
    listSchedules: get(ListSchedules),
  }));
});
