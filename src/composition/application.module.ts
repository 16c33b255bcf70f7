import { ContainerModule } from "inversify";
import { BootstrapAdminKey } from "../application/api-keys/bootstrap-admin-key.js";
import { CreateApiKey } from "../application/api-keys/create-api-key.js";
import { ListApiKeys } from "../application/api-keys/list-api-keys.js";
import { RevokeApiKey } from "../application/api-keys/revoke-api-key.js";
import { AuthenticateApiKey } from "../application/auth/authenticate-api-key.js";
import { Auditor } from "../application/shared/audit.js";
import { Tokens } from "./tokens.js";

/** Use cases, built from ports with plain constructors, and the bundle the transports get. */
export const applicationModule = new ContainerModule(({ bind }) => {
  bind(Tokens.Auditor).toResolvedValue(
    (log, clock) => new Auditor(log, clock),
    [Tokens.AuditLog, Tokens.Clock],
  );
  bind(Tokens.AuthenticateApiKey).toResolvedValue(
    (keys, secrets, logger) => new AuthenticateApiKey(keys, secrets, logger),
    [Tokens.ApiKeyRepository, Tokens.ApiKeySecrets, Tokens.Logger],
  );
  bind(Tokens.BootstrapAdminKey).toResolvedValue(
    (keys, secrets, ids, clock, audit) => new BootstrapAdminKey(keys, secrets, ids, clock, audit),
    [
      Tokens.ApiKeyRepository,
      Tokens.ApiKeySecrets,
      Tokens.IdGenerator,
      Tokens.Clock,
      Tokens.AuditLog,
    ],
  );
  bind(Tokens.CreateApiKey).toResolvedValue(
    (keys, secrets, ids, clock, auditor) => new CreateApiKey(keys, secrets, ids, clock, auditor),
    [
      Tokens.ApiKeyRepository,
      Tokens.ApiKeySecrets,
      Tokens.IdGenerator,
      Tokens.Clock,
      Tokens.Auditor,
    ],
  );
  bind(Tokens.ListApiKeys).toResolvedValue(
    (keys, auditor) => new ListApiKeys(keys, auditor),
    [Tokens.ApiKeyRepository, Tokens.Auditor],
  );
  bind(Tokens.RevokeApiKey).toResolvedValue(
    (keys, clock, auditor) => new RevokeApiKey(keys, clock, auditor),
    [Tokens.ApiKeyRepository, Tokens.Clock, Tokens.Auditor],
  );
  bind(Tokens.UseCases).toResolvedValue(
    (createApiKey, listApiKeys, revokeApiKey, workflows) => ({
      createApiKey,
      listApiKeys,
      revokeApiKey,
      workflows,
    }),
    [Tokens.CreateApiKey, Tokens.ListApiKeys, Tokens.RevokeApiKey, Tokens.WorkflowUseCases],
  );
});
