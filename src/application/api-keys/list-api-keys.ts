import type { Principal } from "../../domain/permissions/principal.js";
import type { ApiKeyRecord, ApiKeyRepository } from "../../ports/api-key-repository.js";
import type { Auditor } from "../shared/audit.js";
import { requireAdmin } from "./require-admin.js";

/** Lists keys (never their secrets). Admins only. */
export class ListApiKeys {
  constructor(
    private readonly keys: ApiKeyRepository,
    private readonly auditor: Auditor,
  ) {}

  async execute(caller: Principal, includeRevoked: boolean): Promise<ApiKeyRecord[]> {
    await requireAdmin(caller, "list_api_keys", this.auditor);
    return this.keys.list(includeRevoked);
  }
}
