import type { ServiceImpl } from "@connectrpc/connect";
import type { ApiKeyService } from "../../../gen/waddlebot/workflow/v1/api_key_service_pb.js";
import { principalOf } from "../context-keys.js";
import { apiKeyToProto } from "../mappers/api-key-to-proto.js";
import type { UseCases } from "../use-cases.js";

export function revokeApiKey(
  useCases: Pick<UseCases, "revokeApiKey">,
): Pick<ServiceImpl<typeof ApiKeyService>, "revokeApiKey"> {
  return {
    async revokeApiKey(req, ctx) {
      const record = await useCases.revokeApiKey.execute(principalOf(ctx), req.keyId);
      return { apiKey: apiKeyToProto(record) };
    },
  };
}
