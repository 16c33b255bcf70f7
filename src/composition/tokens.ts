import type { Meter, Tracer } from "@opentelemetry/api";
import type { ServiceIdentifier } from "inversify";
import type { ApiKeySecrets } from "../application/api-keys/api-key-secrets.js";
import type { WorkflowUseCases } from "../application/workflow-use-cases.js";
import type { WorkflowValidator } from "../application/workflows/workflow-validator.js";
import type { Config } from "../config.js";
import type { EngineEnvironment } from "../domain/engine/engine-types.js";
import type { ActionGateway } from "../domain/ports/action-gateway.js";
import type { Clock } from "../domain/ports/clock.js";
import type { ExpressionCompiler } from "../domain/ports/expression-compiler.js";
import type { AccessRepository } from "../ports/access-repository.js";
import type { ApiKeyRepository } from "../ports/api-key-repository.js";
import type { AuditLog } from "../ports/audit-log.js";
import type { CommunityStops } from "../ports/community-stops.js";
import type { CronCalendar } from "../ports/cron-calendar.js";
import type { EngineHost } from "../ports/engine-host.js";
import type { ExecutionEventBus } from "../ports/execution-event-bus.js";
import type { ExecutionRepository } from "../ports/execution-repository.js";
import type { IdGenerator } from "../ports/id-generator.js";
import type { Logger } from "../ports/logger.js";
import type { PermissionRepository } from "../ports/permission-repository.js";
import type { ProcessCoordination } from "../ports/process-coordination.js";
import type { ScheduleStore } from "../ports/schedule-store.js";
import type { DispatchLog, TriggerAdmission, TriggerIndex } from "../ports/trigger-store.js";
import type { WebhookSecurity } from "../ports/webhook-security.js";
import type { WebhookStore } from "../ports/webhook-store.js";
import type { WorkflowRepository } from "../ports/workflow-repository.js";

/** A typed identifier for something bound by an interface or function type. */
export function token<T>(name: string): ServiceIdentifier<T> {
  return Symbol.for(`waddlebot.workflow.${name}`);
}

/**
 * The identifiers of what is bound by its interface (ports, configuration, telemetry handles).
 * A class is bound under the class itself (`bind(Auditor)`, `get(Auditor)`).
 */
export const Tokens = {
  Config: token<Config>("Config"),
  Logger: token<Logger>("Logger"),
  Tracer: token<Tracer>("Tracer"),
  Meter: token<Meter>("Meter"),

  Clock: token<Clock>("Clock"),
  IdGenerator: token<IdGenerator>("IdGenerator"),
  ApiKeySecrets: token<ApiKeySecrets>("ApiKeySecrets"),

  WorkflowRepository: token<WorkflowRepository>("WorkflowRepository"),
  ExecutionRepository: token<ExecutionRepository>("ExecutionRepository"),
  PermissionRepository: token<PermissionRepository>("PermissionRepository"),
  ApiKeyRepository: token<ApiKeyRepository>("ApiKeyRepository"),
  TriggerStore: token<TriggerIndex & TriggerAdmission & DispatchLog>("TriggerStore"),
  CommunityStops: token<CommunityStops>("CommunityStops"),
  WebhookStore: token<WebhookStore>("WebhookStore"),
  WebhookSecurity: token<WebhookSecurity>("WebhookSecurity"),
  ScheduleStore: token<ScheduleStore>("ScheduleStore"),
  CronCalendar: token<CronCalendar>("CronCalendar"),
  AccessRepository: token<AccessRepository>("AccessRepository"),
  /** The persistent audit trail, also written to the structured log. */
  AuditLog: token<AuditLog>("AuditLog"),

  ExpressionCompiler: token<ExpressionCompiler>("ExpressionCompiler"),
  /** Outbound HTTP for action nodes (SSRF-guarded); closed at shutdown. */
  ActionGateway: token<ActionGateway & { close(): Promise<void> }>("ActionGateway"),
  /** The engine's ports: the outbound gateway and the clock (inside engine workers). */
  EngineEnvironment: token<EngineEnvironment>("EngineEnvironment"),
  /** Where runs and dry-runs execute: the worker pool. Closed at shutdown. */
  EngineHost: token<EngineHost>("EngineHost"),
  WorkflowValidator: token<WorkflowValidator>("WorkflowValidator"),
  ExecutionEventBus: token<ExecutionEventBus>("ExecutionEventBus"),
  /** PostgreSQL: liveness lock and notifications shared with other processes; null on SQLite. */
  ProcessCoordination: token<ProcessCoordination | null>("ProcessCoordination"),
  /** The workflow, execution and permission use cases both transports call. */
  WorkflowUseCases: token<WorkflowUseCases>("WorkflowUseCases"),
} as const;
