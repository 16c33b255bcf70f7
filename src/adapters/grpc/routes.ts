import type { ConnectRouter } from "@connectrpc/connect";
import { Health } from "../../gen/grpc/health/v1/health_pb.js";
import { ApiKeyService } from "../../gen/waddlebot/workflow/v1/api_key_service_pb.js";
import { ExecutionService } from "../../gen/waddlebot/workflow/v1/execution_service_pb.js";
import { PermissionService } from "../../gen/waddlebot/workflow/v1/permission_service_pb.js";
import { TriggerService } from "../../gen/waddlebot/workflow/v1/trigger_service_pb.js";
import { WorkflowService } from "../../gen/waddlebot/workflow/v1/workflow_service_pb.js";
import { createApiKey } from "./handlers/create-api-key.js";
import { executionServiceHandlers } from "./handlers/execution-service.js";
import { healthCheck } from "./handlers/health-check.js";
import { healthWatch } from "./handlers/health-watch.js";
import { listApiKeys } from "./handlers/list-api-keys.js";
import { permissionServiceHandlers } from "./handlers/permission-service.js";
import { revokeApiKey } from "./handlers/revoke-api-key.js";
import { triggerServiceHandlers } from "./handlers/trigger-service.js";
import { workflowServiceHandlers } from "./handlers/workflow-service.js";
import type { HealthStatus } from "./health/health-status.js";
import type { UseCases } from "./use-cases.js";

/** Services callable without an API key. */
export const publicServices: ReadonlySet<string> = new Set([Health.typeName]);

/**
 * Every service the port serves, one line each: the service descriptor and the spread of its
 * per-RPC handler factories. Methods left out answer Unimplemented.
 */
export function registerRoutes(
  router: ConnectRouter,
  useCases: UseCases,
  health: HealthStatus,
): void {
  router.service(Health, { ...healthCheck(health), ...healthWatch(health) });
  router.service(ApiKeyService, {
    ...createApiKey(useCases),
    ...listApiKeys(useCases),
    ...revokeApiKey(useCases),
  });
  router.service(WorkflowService, workflowServiceHandlers(useCases.workflows));
  router.service(PermissionService, permissionServiceHandlers(useCases.workflows));
  router.service(ExecutionService, executionServiceHandlers(useCases.workflows));
  router.service(TriggerService, triggerServiceHandlers(useCases.workflows));
}
