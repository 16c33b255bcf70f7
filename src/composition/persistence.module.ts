import { ContainerModule } from "inversify";
import { LoggingAuditLog } from "../adapters/logging/logging-audit-log.js";
import type { Persistence } from "../adapters/persistence/open-persistence.js";
import { Tokens } from "./tokens.js";

/** The opened database's repositories; the audit log also writes each event to the log. */
export function persistenceModule(persistence: Persistence) {
  return new ContainerModule(({ bind }) => {
    bind(Tokens.WorkflowRepository).toConstantValue(persistence.workflows);
    bind(Tokens.ExecutionRepository).toConstantValue(persistence.executions);
    bind(Tokens.PermissionRepository).toConstantValue(persistence.permissions);
    bind(Tokens.ApiKeyRepository).toConstantValue(persistence.apiKeys);
    bind(Tokens.ProcessCoordination).toDynamicValue(({ get }) =>
      persistence.createCoordination(get(Tokens.Logger)),
    );
    bind(Tokens.TriggerStore).toConstantValue(persistence.triggers);
    bind(Tokens.CommunityStops).toConstantValue(persistence.communityStops);
    bind(Tokens.WebhookStore).toConstantValue(persistence.webhooks);
    bind(Tokens.ScheduleStore).toConstantValue(persistence.schedules);
    bind(Tokens.AccessRepository).toConstantValue(persistence.access);
    bind(Tokens.AuditLog).toDynamicValue(
      ({ get }) => new LoggingAuditLog(persistence.auditLog, get(Tokens.Logger)),
    );
  });
}
