import type { ServiceImpl } from "@connectrpc/connect";
import type { ApiKeyService } from "../../../gen/waddlebot/workflow/v1/api_key_service_pb.js";
import { principalOf } from "../context-keys.js";
import { apiKeyToProto } from "../mappers/api-key-to-proto.js";
import type { UseCases } from "../use-cases.js";

export function listApiKeys(
  useCases: Pick<UseCases, "listApiKeys">,
): Pick<ServiceImpl<typeof ApiKeyService>, "listApiKeys"> {
  return {
    async listApiKeys(req, ctx) {
      const records = await useCases.listApiKeys.execute(principalOf(ctx), req.includeRevoked);
      return { apiKeys: records.map(apiKeyToProto) };
    },
  };
}
