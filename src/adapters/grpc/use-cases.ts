import type { CreateApiKey } from "../../application/api-keys/create-api-key.js";
import type { ListApiKeys } from "../../application/api-keys/list-api-keys.js";
import type { RevokeApiKey } from "../../application/api-keys/revoke-api-key.js";
import type { WorkflowUseCases } from "../../application/workflow-use-cases.js";

/**
 * The use cases the RPC handlers call, resolved once by the composition root. Handlers see
 * only this bundle, never the container. Add a service's use cases here as a new field.
 */
export interface UseCases {
  createApiKey: CreateApiKey;
  listApiKeys: ListApiKeys;
  revokeApiKey: RevokeApiKey;
  workflows: WorkflowUseCases;
}
