import { ContainerModule } from "inversify";
import { BootstrapAdminKey } from "../application/api-keys/bootstrap-admin-key.js";
import { CreateApiKey } from "../application/api-keys/create-api-key.js";
import { ListApiKeys } from "../application/api-keys/list-api-keys.js";
import { RevokeApiKey } from "../application/api-keys/revoke-api-key.js";
import { AuthenticateApiKey } from "../application/auth/authenticate-api-key.js";
import { Auditor } from "../application/shared/audit.js";
import { Tokens } from "./tokens.js";

/** The auditor, authentication and the API key use cases (all the CLI needs). */
export const applicationModule = new ContainerModule(({ bind }) => {
  bind(Auditor).toDynamicValue(({ get }) => new Auditor(get(Tokens.AuditLog), get(Tokens.Clock)));
  bind(AuthenticateApiKey).toDynamicValue(
    ({ get }) =>
      new AuthenticateApiKey(
        get(Tokens.ApiKeyRepository),
        get(Tokens.ApiKeySecrets),
        get(Tokens.Logger),
      ),
  );
  bind(BootstrapAdminKey).toDynamicValue(
    ({ get }) =>
      new BootstrapAdminKey(
        get(Tokens.ApiKeyRepository),
        get(Tokens.ApiKeySecrets),
        get(Tokens.IdGenerator),
        get(Tokens.Clock),
        get(Tokens.AuditLog),
      ),
  );
  bind(CreateApiKey).toDynamicValue(
    ({ get }) =>
      new CreateApiKey(
        get(Tokens.ApiKeyRepository),
        get(Tokens.ApiKeySecrets),
        get(Tokens.IdGenerator),
        get(Tokens.Clock),
        get(Auditor),
      ),
  );
  bind(ListApiKeys).toDynamicValue(
    ({ get }) => new ListApiKeys(get(Tokens.ApiKeyRepository), get(Auditor)),
  );
  bind(RevokeApiKey).toDynamicValue(
    ({ get }) => new RevokeApiKey(get(Tokens.ApiKeyRepository), get(Tokens.Clock), get(Auditor)),
  );
});
