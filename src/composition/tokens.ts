import type { Meter, Tracer } from "@opentelemetry/api";
import type { ServiceIdentifier } from "inversify";
import type { Logger as Pino } from "pino";
import type { HealthStatus } from "../adapters/grpc/health/health-status.js";
import type { NodeRequestHandler } from "../adapters/grpc/server/one-port-server.js";
import type { HttpFallback } from "../adapters/grpc/unknown-route.js";
import type { UseCases } from "../adapters/grpc/use-cases.js";
import type { Persistence } from "../adapters/persistence/open-persistence.js";
import type { ApiKeySecrets } from "../application/api-keys/api-key-secrets.js";
import type { BootstrapAdminKey } from "../application/api-keys/bootstrap-admin-key.js";
import type { CreateApiKey } from "../application/api-keys/create-api-key.js";
import type { ListApiKeys } from "../application/api-keys/list-api-keys.js";
import type { RevokeApiKey } from "../application/api-keys/revoke-api-key.js";
import type { AuthenticateApiKey } from "../application/auth/authenticate-api-key.js";
import type { CompiledWorkflows } from "../application/executions/compiled-workflows.js";
import type { ExecutionAccess } from "../application/executions/execution-access.js";
import type { ExecutionRunner } from "../application/executions/execution-runner.js";
import type { Auditor } from "../application/shared/audit.js";
import type { WorkflowUseCases } from "../application/workflow-use-cases.js";
import type { WorkflowAccess } from "../application/workflows/workflow-access.js";
import type { WorkflowValidator } from "../application/workflows/workflow-validator.js";
import type { Config } from "../config.js";
import type { EngineEnvironment } from "../domain/engine/engine-types.js";
import type { ActionGateway } from "../domain/ports/action-gateway.js";
import type { Clock } from "../domain/ports/clock.js";
import type { ExpressionCompiler } from "../domain/ports/expression-compiler.js";
import type { ApiKeyRepository } from "../ports/api-key-repository.js";
import type { AuditLog } from "../ports/audit-log.js";
import type { ExecutionEventBus } from "../ports/execution-event-bus.js";
import type { ExecutionRepository } from "../ports/execution-repository.js";
import type { IdGenerator } from "../ports/id-generator.js";
import type { Logger } from "../ports/logger.js";
import type { PermissionRepository } from "../ports/permission-repository.js";
import type { WorkflowRepository } from "../ports/workflow-repository.js";

function token<T>(name: string): ServiceIdentifier<T> {
  return Symbol.for(`waddlebot.workflow.${name}`);
}

/** Every binding of the container, typed, in one place. */
export const Tokens = {
  Config: token<Config>("Config"),
  /** Aborted when shutdown begins. */
  ShutdownSignal: token<AbortSignal>("ShutdownSignal"),

  Pino: token<Pino>("Pino"),
  Logger: token<Logger>("Logger"),
  Tracer: token<Tracer>("Tracer"),
  Meter: token<Meter>("Meter"),

  Clock: token<Clock>("Clock"),
  IdGenerator: token<IdGenerator>("IdGenerator"),
  ApiKeySecrets: token<ApiKeySecrets>("ApiKeySecrets"),

  Persistence: token<Persistence>("Persistence"),
  WorkflowRepository: token<WorkflowRepository>("WorkflowRepository"),
  ExecutionRepository: token<ExecutionRepository>("ExecutionRepository"),
  PermissionRepository: token<PermissionRepository>("PermissionRepository"),
  ApiKeyRepository: token<ApiKeyRepository>("ApiKeyRepository"),
  /** The persistent audit trail, also written to the structured log. */
  AuditLog: token<AuditLog>("AuditLog"),
  Auditor: token<Auditor>("Auditor"),

  AuthenticateApiKey: token<AuthenticateApiKey>("AuthenticateApiKey"),
  BootstrapAdminKey: token<BootstrapAdminKey>("BootstrapAdminKey"),
  CreateApiKey: token<CreateApiKey>("CreateApiKey"),
  ListApiKeys: token<ListApiKeys>("ListApiKeys"),
  RevokeApiKey: token<RevokeApiKey>("RevokeApiKey"),
  ExpressionCompiler: token<ExpressionCompiler>("ExpressionCompiler"),
  /** Outbound HTTP for action nodes (SSRF-guarded). */
  ActionGateway: token<ActionGateway & { close(): Promise<void> }>("ActionGateway"),
  /** The engine's ports: the outbound gateway and the clock. */
  EngineEnvironment: token<EngineEnvironment>("EngineEnvironment"),
  /** Compiled workflow versions, shared by the runner and dry-runs. */
  CompiledWorkflows: token<CompiledWorkflows>("CompiledWorkflows"),
  WorkflowValidator: token<WorkflowValidator>("WorkflowValidator"),
  ExecutionEventBus: token<ExecutionEventBus>("ExecutionEventBus"),
  ExecutionRunner: token<ExecutionRunner>("ExecutionRunner"),
  WorkflowAccess: token<WorkflowAccess>("WorkflowAccess"),
  ExecutionAccess: token<ExecutionAccess>("ExecutionAccess"),
  WorkflowUseCases: token<WorkflowUseCases>("WorkflowUseCases"),
  /** What the RPC handlers receive. */
  UseCases: token<UseCases>("UseCases"),

  HealthStatus: token<HealthStatus>("HealthStatus"),
  /** Handlers for non-RPC paths (/metrics, REST), tried in order before the JSON 404. */
  HttpFallbacks: token<HttpFallback[]>("HttpFallbacks"),
  /** gRPC, gRPC-Web and Connect for every service, then the HTTP fallbacks. */
  RpcHandler: token<NodeRequestHandler>("RpcHandler"),
} as const;
