import type { Principal } from "../../domain/permissions/principal.js";
import type { Clock } from "../../domain/ports/clock.js";
import type { ApiKeyRecord, ApiKeyRepository } from "../../ports/api-key-repository.js";
import type { IdGenerator } from "../../ports/id-generator.js";
import type { Auditor } from "../shared/audit.js";
import type { ApiKeySecrets } from "./api-key-secrets.js";
import { type NewApiKeyInput, normaliseNewApiKey } from "./new-api-key.js";
import { requireAdmin } from "./require-admin.js";

interface CreatedApiKey {
  record: ApiKeyRecord;
  /** Returned once; only its hash is stored. */
  secret: string;
}

/** Issues a key for a principal. Admins only; audited. */
export class CreateApiKey {
  constructor(
    private readonly keys: ApiKeyRepository,
    private readonly secrets: ApiKeySecrets,
    private readonly ids: IdGenerator,
    private readonly clock: Clock,
    private readonly auditor: Auditor,
  ) {}

  async execute(caller: Principal, input: NewApiKeyInput): Promise<CreatedApiKey> {
    await requireAdmin(caller, "create_api_key", this.auditor);
    const { name, principal } = normaliseNewApiKey(input);
    const secret = this.secrets.generate();
    const record: ApiKeyRecord = {
      keyId: this.ids.next(),
      name,
      secretHash: this.secrets.hash(secret),
      principal,
      createdBy: caller.userId,
      createdAt: new Date(this.clock.now()),
      revokedAt: null,
    };
    await this.keys.create(record);
    await this.auditor.success(
      caller,
      "create_api_key",
      { communityId: null },
      {
        created_key_id: record.keyId,
        name,
        for_user: principal.userId,
        admin: principal.admin,
        can_dispatch: principal.canDispatch === true,
      },
    );
    return { record, secret };
  }
}
