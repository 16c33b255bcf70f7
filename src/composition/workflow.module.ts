import { ContainerModule } from "inversify";
import { InProcessEventBus } from "../adapters/events/in-process-event-bus.js";
import { CelExpressionCompiler } from "../adapters/expressions/cel-expression-compiler.js";
import { HttpActionGateway } from "../adapters/outbound/http-action-gateway.js";
import { CancelExecution } from "../application/executions/cancel-execution.js";
import { CompiledWorkflows } from "../application/executions/compiled-workflows.js";
import { ExecuteWorkflow } from "../application/executions/execute-workflow.js";
import { ExecutionAccess } from "../application/executions/execution-access.js";
import { ExecutionRunner } from "../application/executions/execution-runner.js";
import { GetExecution } from "../application/executions/get-execution.js";
import { ListExecutions } from "../application/executions/list-executions.js";
import { TestWorkflow } from "../application/executions/test-workflow.js";
import { WatchExecution } from "../application/executions/watch-execution.js";
import { ManagePermissions } from "../application/permissions/manage-permissions.js";
import { Auditor } from "../application/shared/audit.js";
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

/** The engine and its adapters, the execution runner, and the workflow/execution use cases. */
export const workflowModule = new ContainerModule(({ bind }) => {
  bind(Tokens.ExpressionCompiler).toConstantValue(new CelExpressionCompiler());
  bind(Tokens.ActionGateway).toDynamicValue(({ get }) => {
    const { outbound } = get(Tokens.Config);
    return new HttpActionGateway({
      routerUrl: outbound.routerUrl,
      browserSourceUrl: outbound.browserSourceUrl,
      routerApiKey: outbound.routerApiKey ?? undefined,
      browserSourceApiKey: outbound.browserSourceApiKey ?? undefined,
      allowHosts: outbound.allowHosts,
    });
  });
  bind(Tokens.EngineEnvironment).toDynamicValue(({ get }) => ({
    gateway: get(Tokens.ActionGateway),
    clock: get(Tokens.Clock),
  }));
  bind(CompiledWorkflows).toDynamicValue(
    ({ get }) => new CompiledWorkflows(get(Tokens.ExpressionCompiler), 500),
  );
  bind(Tokens.WorkflowValidator).toDynamicValue(({ get }) => {
    const config = get(Tokens.Config);
    const compiler = get(Tokens.ExpressionCompiler);
    return (definition) =>
      validateWorkflow(definition, compiler, {
        maxNodes: 100,
        maxLoopDepth: config.limits.maxLoopDepth,
      });
  });
  bind(Tokens.ExecutionEventBus).toConstantValue(new InProcessEventBus());
  bind(ExecutionRunner).toDynamicValue(({ get }) => {
    const config = get(Tokens.Config);
    return new ExecutionRunner(
      get(Tokens.ExecutionRepository),
      get(Tokens.WorkflowRepository),
      get(CompiledWorkflows),
      get(Tokens.EngineEnvironment),
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
    );
  });

  bind(WorkflowAccess).toDynamicValue(
    ({ get }) =>
      new WorkflowAccess(
        get(Tokens.WorkflowRepository),
        get(Tokens.PermissionRepository),
        get(Auditor),
      ),
  );
  bind(ExecutionAccess).toDynamicValue(
    ({ get }) =>
      new ExecutionAccess(
        get(Tokens.ExecutionRepository),
        get(Tokens.WorkflowRepository),
        get(WorkflowAccess),
      ),
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
  bind(PublishWorkflow).toDynamicValue(
    ({ get }) =>
      new PublishWorkflow(
        get(Tokens.WorkflowRepository),
        get(WorkflowAccess),
        get(Tokens.WorkflowValidator),
        get(Tokens.Clock),
        get(Auditor),
      ),
  );
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
      () => runner.wake(),
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
        get(CompiledWorkflows),
        get(Tokens.EngineEnvironment),
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
    watchExecution: get(WatchExecution),
  }));
});
