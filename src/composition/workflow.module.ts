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

export function engineLimitsOf(config: Config): Partial<EngineLimits> {
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
  bind(Tokens.ActionGateway).toResolvedValue(
    (config) =>
      new HttpActionGateway({
        routerUrl: config.outbound.routerUrl,
        browserSourceUrl: config.outbound.browserSourceUrl,
        routerApiKey: config.outbound.routerApiKey ?? undefined,
        browserSourceApiKey: config.outbound.browserSourceApiKey ?? undefined,
        allowHosts: config.outbound.allowHosts,
      }),
    [Tokens.Config],
  );
  bind(Tokens.EngineEnvironment).toResolvedValue(
    (gateway, clock) => ({ gateway, clock }),
    [Tokens.ActionGateway, Tokens.Clock],
  );
  bind(Tokens.CompiledWorkflows).toResolvedValue(
    (compiler) => new CompiledWorkflows(compiler, 500),
    [Tokens.ExpressionCompiler],
  );
  bind(Tokens.WorkflowValidator).toResolvedValue(
    (config, compiler) => (definition) =>
      validateWorkflow(definition, compiler, {
        maxNodes: 100,
        maxLoopDepth: config.limits.maxLoopDepth,
      }),
    [Tokens.Config, Tokens.ExpressionCompiler],
  );
  bind(Tokens.ExecutionEventBus).toConstantValue(new InProcessEventBus());
  bind(Tokens.ExecutionRunner).toResolvedValue(
    (config, executions, workflows, compiled, engine, bus, clock, logger, ids) =>
      new ExecutionRunner(executions, workflows, compiled, engine, bus, clock, logger, {
        ownerId: `runner-${ids.next()}`,
        concurrency: config.runner.concurrency,
        leaseMs: config.runner.leaseSeconds * 1000,
        pollMs: config.runner.pollMs,
        claimBatchMs: config.runner.claimBatchMs,
        limits: engineLimitsOf(config),
      }),
    [
      Tokens.Config,
      Tokens.ExecutionRepository,
      Tokens.WorkflowRepository,
      Tokens.CompiledWorkflows,
      Tokens.EngineEnvironment,
      Tokens.ExecutionEventBus,
      Tokens.Clock,
      Tokens.Logger,
      Tokens.IdGenerator,
    ],
  );

  bind(Tokens.WorkflowAccess).toResolvedValue(
    (workflows, permissions, auditor) => new WorkflowAccess(workflows, permissions, auditor),
    [Tokens.WorkflowRepository, Tokens.PermissionRepository, Tokens.Auditor],
  );
  bind(Tokens.ExecutionAccess).toResolvedValue(
    (executions, workflows, access) => new ExecutionAccess(executions, workflows, access),
    [Tokens.ExecutionRepository, Tokens.WorkflowRepository, Tokens.WorkflowAccess],
  );

  bind(Tokens.WorkflowUseCases).toResolvedValue(
    (
      config,
      workflows,
      executions,
      permissions,
      access,
      executionAccess,
      validator,
      compiled,
      engine,
      runner,
      bus,
      ids,
      clock,
      auditor,
    ) => {
      const getWorkflow = new GetWorkflow(workflows, access);
      return {
        createWorkflow: new CreateWorkflow(workflows, ids, clock, auditor),
        getWorkflow,
        updateWorkflow: new UpdateWorkflow(workflows, access, clock, auditor),
        listWorkflows: new ListWorkflows(workflows),
        archiveWorkflow: new ArchiveWorkflow(workflows, access, clock, auditor),
        validateWorkflow: new ValidateWorkflow(getWorkflow, validator),
        publishWorkflow: new PublishWorkflow(workflows, access, validator, clock, auditor),
        managePermissions: new ManagePermissions(permissions, access, clock, auditor),
        executeWorkflow: new ExecuteWorkflow(executions, access, ids, clock, auditor, () =>
          runner.wake(),
        ),
        getExecution: new GetExecution(executionAccess),
        cancelExecution: new CancelExecution(
          executions,
          executionAccess,
          runner,
          bus,
          clock,
          auditor,
        ),
        listExecutions: new ListExecutions(executions, access),
        testWorkflow: new TestWorkflow(
          access,
          workflows,
          compiled,
          engine,
          ids,
          auditor,
          engineLimitsOf(config),
        ),
        watchExecution: new WatchExecution(
          executions,
          executionAccess,
          bus,
          clock,
          config.runner.watchPollMs,
        ),
      };
    },
    [
      Tokens.Config,
      Tokens.WorkflowRepository,
      Tokens.ExecutionRepository,
      Tokens.PermissionRepository,
      Tokens.WorkflowAccess,
      Tokens.ExecutionAccess,
      Tokens.WorkflowValidator,
      Tokens.CompiledWorkflows,
      Tokens.EngineEnvironment,
      Tokens.ExecutionRunner,
      Tokens.ExecutionEventBus,
      Tokens.IdGenerator,
      Tokens.Clock,
      Tokens.Auditor,
    ],
  );
});
