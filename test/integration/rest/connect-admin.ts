import type { Client } from "@connectrpc/connect";
import { ApiKeyService } from "../../../src/gen/waddlebot/workflow/v1/api_key_service_pb.js";
import {
  Permission,
  PermissionService,
  TargetType,
} from "../../../src/gen/waddlebot/workflow/v1/permission_service_pb.js";
import type { TestService } from "../../support/server-harness.js";

/**
 * Admin calls the REST API does not offer (API keys, permission grants), made with the
 * service's own Connect API on the same port.
 */
export class ConnectAdmin {
  private readonly keys: Client<typeof ApiKeyService>;
  private readonly permissions: Client<typeof PermissionService>;

  constructor(svc: TestService) {
    this.keys = svc.connect(ApiKeyService, "connect-h1", svc.adminKey);
    this.permissions = svc.connect(PermissionService, "connect-h1", svc.adminKey);
  }

  /** A new API key for a non-admin principal. */
  async createKey(
    userId: string,
    communityIds: number[],
  ): Promise<{ secret: string; keyId: string }> {
    const answer = await this.keys.createApiKey({
      name: `rest-test-${userId}`,
      principal: { userId, roles: [], communityIds: communityIds.map(BigInt), admin: false },
    });
    return { secret: answer.secret, keyId: answer.apiKey?.keyId ?? "" };
  }

  async revokeKey(keyId: string): Promise<void> {
    await this.keys.revokeApiKey({ keyId });
  }

  async grantToUser(workflowId: string, userId: string, flags: Permission[]): Promise<void> {
    await this.permissions.grantPermission({
      workflowId,
      targetType: TargetType.USER,
      targetId: userId,
      permissions: flags,
    });
  }
}

export { Permission };
